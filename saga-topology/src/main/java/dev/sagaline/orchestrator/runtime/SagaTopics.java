package dev.sagaline.orchestrator.runtime;

import java.util.Objects;

/**
 * The names of the orchestrator's own topics, built from {@link SagalineConfig} and passed to the
 * topology and the test kit (never a process-wide constant). Command topics come from the saga
 * definitions.
 *
 * @param requests start, abort and retry requests
 * @param replies participants' replies
 * @param events the audit log of saga transitions
 * @param deadLetter records the orchestrator cannot use, with the reason
 */
public record SagaTopics(String requests, String replies, String events, String deadLetter) {

    public SagaTopics {
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(replies, "replies");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(deadLetter, "deadLetter");
    }
}
