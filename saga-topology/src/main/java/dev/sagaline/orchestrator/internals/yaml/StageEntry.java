package dev.sagaline.orchestrator.internals.yaml;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a saga's {@code steps} list: a step (keyed by {@code name}) or a parallel group
 * (keyed by {@code parallel}). Both shapes share this record so that an unknown key is reported by
 * Jackson with its line; {@link #stepKeysPresent()} tells a group that also carries step keys.
 */
record StageEntry(
        @JsonProperty("name") String name,
        @JsonProperty("topic") String topic,
        @JsonProperty("kind") String kind,
        @JsonProperty("timeout") String timeout,
        @JsonProperty("retry") RetryEntry retry,
        @JsonProperty("undoRetry") RetryEntry undoRetry,
        @JsonProperty("input") InputEntry input,
        @JsonProperty("parallel") String parallel,
        @JsonProperty("steps") List<StepEntry> steps) {

    boolean isGroup() {
        return parallel != null || steps != null;
    }

    StepEntry asStep() {
        return new StepEntry(name, topic, kind, timeout, retry, undoRetry, input);
    }

    /** The step keys this entry sets, in declaration order of the format. */
    List<String> stepKeysPresent() {
        List<String> keys = new ArrayList<>();
        addIfSet(keys, "name", name);
        addIfSet(keys, "topic", topic);
        addIfSet(keys, "kind", kind);
        addIfSet(keys, "timeout", timeout);
        addIfSet(keys, "retry", retry);
        addIfSet(keys, "undoRetry", undoRetry);
        addIfSet(keys, "input", input);
        return keys;
    }

    private static void addIfSet(List<String> keys, String key, Object value) {
        if (value != null) {
            keys.add(key);
        }
    }
}
