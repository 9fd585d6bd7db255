package dev.sagaline.orchestrator.internals.yaml;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A saga definition file as written, before any checks: the keys a file may hold at its top level.
 * Optional keys that are left out are null.
 */
record SagaDocument(
        @JsonProperty("saga") String saga,
        @JsonProperty("version") Integer version,
        @JsonProperty("deadline") String deadline,
        @JsonProperty("steps") List<StageEntry> steps) {
}
