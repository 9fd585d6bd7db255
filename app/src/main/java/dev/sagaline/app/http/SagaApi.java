package dev.sagaline.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sagaline.app.operate.OperatorClient;
import dev.sagaline.orchestrator.runtime.SagaQueries;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepResolution;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The query and operator endpoints, over any number of orchestrator instances: a saga is read
 * from the instance that owns its partition (this one, or another asked through {@link Peers});
 * lists and counts are gathered from every instance and merged. Operator requests are written to
 * the requests topic after checking that the saga exists.
 */
final class SagaApi {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;

    private final Supplier<SagalineApp> app;
    private final HostInfo self;
    private final Peers peers = new Peers();
    private final AuditReader audit;
    private final OperatorRequests requests;

    SagaApi(Supplier<SagalineApp> app, HostInfo self, AuditReader audit, OperatorRequests requests) {
        this.app = app;
        this.self = self;
        this.audit = audit;
        this.requests = requests;
    }

    /** The saga with its steps and events, from whichever instance owns it. */
    JsonNode describe(String sagaId, boolean localOnly) {
        SagaQueries queries = queries();
        Optional<HostInfo> owner = localOnly ? Optional.of(self) : queries.ownerOf(sagaId);
        if (owner.isEmpty()) {
            throw HttpProblem.unavailable("the owner of saga '" + sagaId + "' is not known right now (the orchestrator is starting or rebalancing); try again");
        }
        if (!isSelf(owner.get())) {
            Peers.Answer answer = peers.get(owner.get(), "/api/v1/sagas/" + OperatorClient.encode(sagaId));
            if (answer.status() != 200) {
                throw new HttpProblem(answer.status(), answer.body().path("error").asText("instance " + owner.get() + " answered " + answer.status()));
            }
            return answer.body();
        }
        SagaState state = queries.local(sagaId).orElseThrow(() -> HttpProblem.notFound("no saga '" + sagaId + "'"));
        List<SagaEvent> events = audit.eventsOf(sagaId, state.getStartedAtMs());
        return SagaJson.saga(state, events);
    }

    /** A page of sagas by status then id, from every instance, resuming after {@code cursor}. */
    JsonNode list(String status, String type, String limit, String cursor, boolean localOnly) {
        SagaStatus wanted = status == null ? null : parseStatus(status);
        int size = parseLimit(limit);
        String after = cursor == null ? null : decodeCursor(cursor);
        SagaQueries queries = queries();
        List<JsonNode> entries = new ArrayList<>();
        if (localOnly) {
            queries.localList(wanted, type, after, size).forEach(l -> entries.add(SagaJson.listing(l)));
        } else {
            for (HostInfo instance : instances(queries)) {
                if (isSelf(instance)) {
                    queries.localList(wanted, type, after, size).forEach(l -> entries.add(SagaJson.listing(l)));
                } else {
                    Peers.Answer answer = peers.get(instance, OperatorClient.listPath(status, type, size, cursor));
                    if (answer.status() != 200) {
                        throw HttpProblem.unavailable("instance " + instance + " answered " + answer.status() + ": " + answer.body().path("error").asText());
                    }
                    answer.body().path("sagas").forEach(entries::add);
                }
            }
        }
        entries.sort(Comparator.comparing(e -> e.path("position").asText()));
        List<JsonNode> page = entries.subList(0, Math.min(size, entries.size()));
        ObjectNode result = SagaJson.MAPPER.createObjectNode();
        ArrayNode sagas = result.putArray("sagas");
        page.forEach(sagas::add);
        result.put("nextCursor", page.size() == size && !page.isEmpty() ? encodeCursor(page.get(page.size() - 1).path("position").asText()) : null);
        return result;
    }

    /** Counts by type and status over every instance. */
    JsonNode stats(boolean localOnly) {
        SagaQueries queries = queries();
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        for (HostInfo instance : localOnly ? List.of(self) : instances(queries)) {
            if (isSelf(instance)) {
                queries.localCounts().forEach((type, byStatus) -> byStatus.forEach((s, n) ->
                        counts.computeIfAbsent(type, t -> new TreeMap<>()).merge(s.name(), n, Long::sum)));
            } else {
                Peers.Answer answer = peers.get(instance, "/api/v1/stats");
                if (answer.status() != 200) {
                    throw HttpProblem.unavailable("instance " + instance + " answered " + answer.status());
                }
                answer.body().path("byType").fields().forEachRemaining(type -> type.getValue().fields().forEachRemaining(s ->
                        counts.computeIfAbsent(type.getKey(), t -> new TreeMap<>()).merge(s.getKey(), s.getValue().asLong(), Long::sum)));
            }
        }
        return SagaJson.stats(counts);
    }

    /** Writes an operator request for an existing saga; returns its id. */
    JsonNode operate(String sagaId, String action, JsonNode body, String operator) {
        JsonNode saga = describe(sagaId, false);
        String reason = text(body, "reason");
        String requestId = switch (action) {
            case "retry" -> requests.retry(sagaId, operator, reason);
            case "abort" -> {
                if (reason == null || reason.isBlank()) {
                    throw HttpProblem.badRequest("abort needs a reason: {\"reason\": \"...\"}");
                }
                yield requests.abort(sagaId, operator, reason);
            }
            case "resolve" -> {
                String step = text(body, "step");
                String outcome = text(body, "outcome");
                if (step == null || outcome == null || reason == null || reason.isBlank()) {
                    throw HttpProblem.badRequest("resolve needs a step, an outcome (succeeded or not-applied) and a reason: "
                            + "{\"step\": \"...\", \"outcome\": \"succeeded\", \"reason\": \"...\"}");
                }
                boolean known = false;
                for (JsonNode s : saga.path("steps")) {
                    known |= step.equals(s.path("name").asText());
                }
                if (!known) {
                    throw HttpProblem.badRequest("saga '" + sagaId + "' has no step '" + step + "'");
                }
                yield requests.resolve(sagaId, operator, step, parseOutcome(outcome), reason);
            }
            default -> throw HttpProblem.notFound("no operator request '" + action + "'; there are retry, abort and resolve");
        };
        ObjectNode result = SagaJson.MAPPER.createObjectNode();
        result.put("requestId", requestId);
        result.put("sagaId", sagaId);
        result.put("request", action);
        result.put("operator", operator);
        return result;
    }

    private SagaQueries queries() {
        SagalineApp running = app.get();
        if (running == null) {
            throw HttpProblem.unavailable("the orchestrator is starting");
        }
        return running.queries();
    }

    private List<HostInfo> instances(SagaQueries queries) {
        List<HostInfo> instances = queries.instances();
        if (instances.isEmpty()) {
            throw HttpProblem.unavailable("no orchestrator instance hosts saga state yet (starting or rebalancing); try again");
        }
        return instances;
    }

    private boolean isSelf(HostInfo host) {
        return host.equals(self) || host.port() < 0;
    }

    private static SagaStatus parseStatus(String status) {
        try {
            return SagaStatus.valueOf(status.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("unknown status '" + status + "'; statuses are RUNNING, CONFIRMING, COMPENSATING, COMPLETED, COMPENSATED, STUCK");
        }
    }

    private static StepResolution parseOutcome(String outcome) {
        return switch (outcome.toLowerCase(Locale.ROOT)) {
            case "succeeded" -> StepResolution.SUCCEEDED;
            case "not-applied", "not_applied" -> StepResolution.NOT_APPLIED;
            default -> throw HttpProblem.badRequest("unknown outcome '" + outcome + "'; assert succeeded or not-applied");
        };
    }

    private static int parseLimit(String limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(limit);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw HttpProblem.badRequest("limit must be a number from 1 to " + MAX_LIMIT + ", not '" + limit + "'");
    }

    private static String encodeCursor(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("cursor '" + cursor + "' is not one this API returned");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body == null ? null : body.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }

}
