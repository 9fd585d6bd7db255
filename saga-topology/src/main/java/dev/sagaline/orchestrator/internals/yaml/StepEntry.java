package dev.sagaline.orchestrator.internals.yaml;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One step as written: in the saga's {@code steps} list or among a parallel group's members. */
record StepEntry(
        @JsonProperty("name") String name,
        @JsonProperty("topic") String topic,
        @JsonProperty("kind") String kind,
        @JsonProperty("timeout") String timeout,
        @JsonProperty("retry") RetryEntry retry,
        @JsonProperty("undoRetry") RetryEntry undoRetry,
        @JsonProperty("input") InputEntry input) {
}
