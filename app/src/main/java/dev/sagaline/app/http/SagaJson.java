package dev.sagaline.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sagaline.orchestrator.runtime.SagaListing;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.StepState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The API's JSON for sagas, steps, events and list entries: field names and shapes are the
 * documented, stable API (README "Operating Sagaline"), so they are written out here one by one
 * rather than derived from the Avro records, whose evolution must not change the API.
 */
final class SagaJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private SagaJson() {
    }

    /** A saga with its steps and, in order, its audit events. */
    static ObjectNode saga(SagaState state, List<SagaEvent> events) {
        ObjectNode saga = MAPPER.createObjectNode();
        saga.put("sagaId", state.getSagaId());
        saga.put("type", state.getSagaType());
        saga.put("version", state.getDefinitionVersion());
        saga.put("status", state.getStatus().name());
        saga.put("stuckFrom", state.getStuckFrom() == null ? null : state.getStuckFrom().name());
        saga.put("createdAt", time(state.getStartedAtMs()));
        saga.put("updatedAt", events.isEmpty() ? time(state.getStartedAtMs()) : time(events.get(events.size() - 1).getTimestampMs()));
        saga.put("deadline", time(state.getDeadlineMs()));
        saga.put("finishedAt", time(state.getFinishedAtMs()));
        saga.put("pivotPassed", state.getPivotPassed());
        saga.put("failureReason", state.getFailureReason());
        saga.put("metadata", MAPPER.valueToTree(state.getMetadata()));
        ArrayNode steps = saga.putArray("steps");
        for (StepState step : state.getSteps()) {
            steps.add(step(step, events));
        }
        ArrayNode log = saga.putArray("events");
        events.forEach(e -> log.add(event(e)));
        return saga;
    }

    private static ObjectNode step(StepState step, List<SagaEvent> events) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("name", step.getName());
        node.put("status", step.getStatus().name());
        node.put("attempt", step.getAttempt());
        node.put("action", step.getAction() == null ? null : step.getAction().name());
        node.put("commandId", step.getCommandId());
        node.put("dueAt", time(step.getDueMs()));
        node.put("lastErrorCode", step.getLastErrorCode());
        node.put("lastErrorMessage", step.getLastErrorMessage());
        Set<String> commandIds = new LinkedHashSet<>();
        Instant first = null;
        Instant last = null;
        for (SagaEvent event : events) {
            if (step.getName().equals(event.getStep())) {
                if (event.getCommandId() != null) {
                    commandIds.add(event.getCommandId());
                }
                first = first == null ? event.getTimestampMs() : first;
                last = event.getTimestampMs();
            }
        }
        ArrayNode ids = node.putArray("commandIds");
        commandIds.forEach(ids::add);
        node.put("firstEventAt", time(first));
        node.put("lastEventAt", time(last));
        return node;
    }

    /** One audit event. */
    static ObjectNode event(SagaEvent event) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("sagaId", event.getSagaId());
        node.put("type", event.getSagaType());
        node.put("sequence", event.getSequence());
        node.put("kind", event.getKind().name());
        node.put("fromStatus", event.getFromStatus() == null ? null : event.getFromStatus().name());
        node.put("toStatus", event.getToStatus().name());
        node.put("step", event.getStep());
        node.put("action", event.getAction() == null ? null : event.getAction().name());
        node.put("attempt", event.getAttempt());
        node.put("commandId", event.getCommandId());
        node.put("reason", event.getReason());
        node.put("errorCode", event.getErrorCode());
        node.put("errorMessage", event.getErrorMessage());
        node.put("timestamp", time(event.getTimestampMs()));
        return node;
    }

    /** One entry of a list. */
    static ObjectNode listing(SagaListing listing) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("sagaId", listing.sagaId());
        node.put("status", listing.status().name());
        node.put("type", listing.sagaType());
        node.put("position", listing.position());
        return node;
    }

    /** Counts by type and status, with totals by status and overall. */
    static ObjectNode stats(Map<String, Map<String, Long>> byType) {
        ObjectNode node = MAPPER.createObjectNode();
        Map<String, Long> byStatus = new LinkedHashMap<>();
        long total = 0;
        ObjectNode types = node.putObject("byType");
        for (Map.Entry<String, Map<String, Long>> type : byType.entrySet()) {
            ObjectNode counts = types.putObject(type.getKey());
            for (Map.Entry<String, Long> count : type.getValue().entrySet()) {
                counts.put(count.getKey(), count.getValue());
                byStatus.merge(count.getKey(), count.getValue(), Long::sum);
                total += count.getValue();
            }
        }
        ObjectNode statuses = node.putObject("byStatus");
        byStatus.forEach(statuses::put);
        node.put("total", total);
        return node;
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
