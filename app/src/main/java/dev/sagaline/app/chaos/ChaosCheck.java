package dev.sagaline.app.chaos;

import dev.sagaline.orchestrator.runtime.SagaEnds;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The invariants of a chaos run, checked after the fact from what is committed in Kafka: the audit
 * topic (how each saga ended), the command topics (what the orchestrator asked for) and each
 * service's processed-command changelog, the participant's own record of what it applied, written
 * in the same Kafka transaction as its reply. Each command answered leaves one record of its run
 * there: an entry {@code command/…/<commandId>}, or, for a reply the participant keeps for good as
 * its step's ({@code forward/} with a SUCCEEDED or FAILED outcome, or {@code closing/}), that step
 * entry alone. A second record for the same command id is an effect applied twice.
 */
final class ChaosCheck {

    private static final String COMMAND_ENTRY = "command/";
    private static final String FORWARD_ENTRY = "forward/";
    private static final String CLOSING_ENTRY = "closing/";

    private final ProtocolSerdes serdes;
    private final Map<String, List<SagaEvent>> eventsBySaga = new LinkedHashMap<>();
    private final Map<String, List<StepCommand>> commandsBySaga = new HashMap<>();
    private final Map<String, Map<String, StepReply>> forwardBySaga = new HashMap<>();
    private final Map<String, Map<String, StepReply>> closingBySaga = new HashMap<>();
    private final Map<String, Map<String, Integer>> appliedByCommand = new HashMap<>();

    ChaosCheck(ProtocolSerdes serdes) {
        this.serdes = serdes;
    }

    ChaosCheck auditTopic(String topic, Collection<ConsumerRecord<String, byte[]>> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.value() != null) {
                SagaEvent event = serdes.events().deserializer().deserialize(topic, record.value());
                eventsBySaga.computeIfAbsent(event.getSagaId(), k -> new ArrayList<>()).add(event);
            }
        }
        return this;
    }

    ChaosCheck commandTopic(String topic, Collection<ConsumerRecord<String, byte[]>> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.value() != null) {
                StepCommand command = serdes.commands().deserializer().deserialize(topic, record.value());
                commandsBySaga.computeIfAbsent(command.getSagaId(), k -> new ArrayList<>()).add(command);
            }
        }
        return this;
    }

    /** One service's processed-command changelog, read from the beginning. */
    ChaosCheck appliedRecord(String service, String topic, Collection<ConsumerRecord<String, byte[]>> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.value() == null) {
                continue;
            }
            StepReply reply = serdes.replies().deserializer().deserialize(topic, record.value());
            String key = record.key();
            boolean forward = key.startsWith(FORWARD_ENTRY);
            boolean closing = key.startsWith(CLOSING_ENTRY);
            boolean keptForGood = closing || forward && (reply.getOutcome() == StepOutcome.SUCCEEDED || reply.getOutcome() == StepOutcome.FAILED);
            if ((key.startsWith(COMMAND_ENTRY) || keptForGood) && reply.getSagaId() != null) {
                appliedByCommand.computeIfAbsent(reply.getSagaId(), k -> new HashMap<>())
                        .merge(service + " command " + reply.getCommandId(), 1, Integer::sum);
            }
            if (forward) {
                forwardBySaga.computeIfAbsent(reply.getSagaId(), k -> new HashMap<>()).put(reply.getStep(), reply);
            } else if (closing) {
                closingBySaga.computeIfAbsent(reply.getSagaId(), k -> new HashMap<>()).put(reply.getStep(), reply);
            }
        }
        return this;
    }

    /**
     * Checks every saga of the run ({@code runPrefix}) and the start requests that were
     * acknowledged ({@code acknowledged}).
     */
    Verdict verdict(String runPrefix, Set<String> acknowledged) {
        Verdict v = new Verdict();
        Map<String, List<SagaEvent>> run = new TreeMap<>();
        eventsBySaga.forEach((id, events) -> {
            if (id.startsWith(runPrefix)) {
                run.put(id, events);
            }
        });
        for (String id : acknowledged) {
            if (!run.containsKey(id)) {
                v.problem("lost", id + ": its start request was acknowledged but it has no audit event");
            }
        }
        for (Map.Entry<String, List<SagaEvent>> saga : run.entrySet()) {
            check(saga.getKey(), saga.getValue(), v);
        }
        appliedByCommand.forEach((sagaId, byCommand) -> byCommand.forEach((command, times) -> {
            if (times > 1 && sagaId.startsWith(runPrefix)) {
                v.problem("doubleApplied", sagaId + ": " + command + " took effect " + times + " times");
            }
        }));
        return v;
    }

    private void check(String id, List<SagaEvent> events, Verdict v) {
        if (events.stream().anyMatch(e -> e.getKind() == SagaEventKind.STARTED)) {
            v.started++;
        }
        List<SagaEvent> finishes = events.stream().filter(SagaEnds::finishes).toList();
        if (finishes.size() > 1) {
            v.problem("duplicatedTerminal", id + " finished " + finishes.size() + " times: "
                    + finishes.stream().map(SagaEvent::getToStatus).toList());
        }
        if (finishes.isEmpty()) {
            SagaEvent last = events.get(events.size() - 1);
            if (last.getToStatus() == SagaStatus.STUCK) {
                v.stuck++;
                v.stuckReasons.merge(String.valueOf(last.getReason()), 1, Integer::sum);
            } else {
                v.problem("lost", id + " never ended; its last event is " + last.getKind() + " to " + last.getToStatus());
            }
            return;
        }
        SagaEvent finish = finishes.get(0);
        long finishedAt = finish.getTimestampMs().toEpochMilli();
        for (StepCommand command : commandsBySaga.getOrDefault(id, List.of())) {
            if (command.getAction() != StepAction.FORGET && command.getIssuedAtMs().toEpochMilli() > finishedAt) {
                v.problem("commandsAfterTerminal", id + ": " + command.getAction() + " " + command.getStep() + " (" + command.getCommandId()
                        + ") issued " + (command.getIssuedAtMs().toEpochMilli() - finishedAt) + " ms after it " + finish.getToStatus());
            }
        }
        Map<String, StepReply> forward = forwardBySaga.getOrDefault(id, Map.of());
        Map<String, StepReply> closing = closingBySaga.getOrDefault(id, Map.of());
        if (finish.getToStatus() == SagaStatus.COMPLETED) {
            v.completed++;
            if (!succeeded(closing.get(ChaosNode.Service.inventory.step), StepAction.CONFIRM)
                    || !succeeded(forward.get(ChaosNode.Service.payment.step), StepAction.DO)
                    || !succeeded(forward.get(ChaosNode.Service.shipping.step), StepAction.DO)) {
                v.problem("completedNotApplied", id + " completed but stock " + describe(closing.get(ChaosNode.Service.inventory.step))
                        + ", payment " + describe(forward.get(ChaosNode.Service.payment.step))
                        + ", shipping " + describe(forward.get(ChaosNode.Service.shipping.step)));
            }
            return;
        }
        v.compensated++;
        boolean tried = commandsBySaga.getOrDefault(id, List.of()).stream()
                .anyMatch(c -> c.getStep().equals(ChaosNode.Service.inventory.step) && c.getAction() == StepAction.TRY);
        boolean cancelled = commandsBySaga.getOrDefault(id, List.of()).stream()
                .anyMatch(c -> c.getStep().equals(ChaosNode.Service.inventory.step) && c.getAction() == StepAction.CANCEL);
        if (tried && !cancelled) {
            v.problem("missingCompensations", id + " was compensated but its stock reservation was never cancelled");
        }
        StepReply reserved = forward.get(ChaosNode.Service.inventory.step);
        if (succeeded(reserved, StepAction.TRY) && !succeeded(closing.get(ChaosNode.Service.inventory.step), StepAction.CANCEL)) {
            v.problem("effectsNotUndone", id + " was compensated but its stock is " + describe(closing.get(ChaosNode.Service.inventory.step)));
        }
        // The payment is the pivot: a charged order only goes forward, so a compensated one must never have been charged.
        if (succeeded(forward.get(ChaosNode.Service.payment.step), StepAction.DO)) {
            v.problem("effectsNotUndone", id + " was compensated but its payment was charged");
        }
    }

    private static boolean succeeded(StepReply reply, StepAction action) {
        return reply != null && reply.getAction() == action && reply.getOutcome() == StepOutcome.SUCCEEDED;
    }

    private static String describe(StepReply reply) {
        return reply == null ? "untouched" : reply.getAction() + " " + reply.getOutcome();
    }

    /** What the check found: the counts and every violation, by invariant. */
    static final class Verdict {
        long started;
        long completed;
        long compensated;
        long stuck;
        final Map<String, Integer> stuckReasons = new TreeMap<>();
        final Map<String, List<String>> problems = new LinkedHashMap<>();

        Verdict() {
            for (String invariant : List.of("lost", "duplicatedTerminal", "missingCompensations", "commandsAfterTerminal",
                    "effectsNotUndone", "completedNotApplied", "doubleApplied")) {
                problems.put(invariant, new ArrayList<>());
            }
        }

        void problem(String invariant, String detail) {
            problems.get(invariant).add(detail);
        }

        int count(String invariant) {
            return problems.get(invariant).size();
        }

        boolean passed() {
            return problems.values().stream().allMatch(List::isEmpty);
        }
    }
}
