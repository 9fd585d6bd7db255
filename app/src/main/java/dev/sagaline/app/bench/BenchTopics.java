package dev.sagaline.app.bench;

import java.util.List;

/**
 * The topics of one benchmark phase, named after it so that phases never read each other's
 * records: requests, replies, audit events, and the command topic of the one participant service
 * that owns the saga's three steps.
 */
record BenchTopics(String requests, String replies, String events, String commands) {

    static final List<String> STEPS = List.of("reserve", "charge", "ship");

    static BenchTopics of(String phase) {
        return new BenchTopics(phase + ".requests", phase + ".replies", phase + ".events", phase + ".commands");
    }

    List<String> all() {
        return List.of(requests, replies, events, commands);
    }
}
