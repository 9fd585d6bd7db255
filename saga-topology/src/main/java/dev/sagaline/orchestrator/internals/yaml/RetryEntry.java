package dev.sagaline.orchestrator.internals.yaml;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A {@code retry} or {@code undoRetry} block as written. {@code maxAttempts} is text so that it
 * can be a number or {@code unlimited}; durations are text in the formats {@link Durations} reads.
 */
record RetryEntry(
        @JsonProperty("maxAttempts") String maxAttempts,
        @JsonProperty("backoff") String backoff,
        @JsonProperty("multiplier") Double multiplier,
        @JsonProperty("maxBackoff") String maxBackoff,
        @JsonProperty("jitter") Double jitter) {
}
