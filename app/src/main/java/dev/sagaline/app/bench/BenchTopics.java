package dev.sagaline.app.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The topics of one benchmark phase, named after it so that phases never read each other's
 * records: requests, replies, audit events and one command topic per step.
 */
record BenchTopics(String requests, String replies, String events, List<String> commands) {

    static final List<String> STEPS = List.of("reserve", "charge", "ship");

    static BenchTopics of(String phase) {
        return new BenchTopics(phase + ".requests", phase + ".replies", phase + ".events",
                STEPS.stream().map(step -> phase + "." + step + ".commands").toList());
    }

    List<String> all() {
        List<String> all = new ArrayList<>(List.of(requests, replies, events));
        all.addAll(commands);
        return all;
    }
}
