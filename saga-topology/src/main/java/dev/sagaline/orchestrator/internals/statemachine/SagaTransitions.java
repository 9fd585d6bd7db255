package dev.sagaline.orchestrator.internals.statemachine;

import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaStatus;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The saga state machine as data: every legal change of a saga's status, the trigger that causes
 * it and the event it writes to the audit topic. {@link SagaRun} asks this table for every status
 * change it makes, so a change that is not listed here cannot happen; the README's diagram is
 * generated from it ({@link #mermaid()}), so the two cannot drift.
 */
public final class SagaTransitions {

    /**
     * One row of the table.
     *
     * @param from the status before; null for a saga that does not exist yet
     * @param trigger what causes the change
     * @param to the status after; null for a saga that is purged from the store
     * @param event the kind of the audit event written
     */
    public record Transition(SagaStatus from, SagaTrigger trigger, SagaStatus to, SagaEventKind event) {
    }

    private static final List<Transition> TABLE = List.of(
            new Transition(null, SagaTrigger.START, SagaStatus.RUNNING, SagaEventKind.STARTED),
            new Transition(SagaStatus.RUNNING, SagaTrigger.FORWARD_DONE, SagaStatus.COMPLETED, SagaEventKind.COMPLETED),
            new Transition(SagaStatus.RUNNING, SagaTrigger.FORWARD_DONE_NEEDS_CONFIRM, SagaStatus.CONFIRMING, SagaEventKind.CONFIRMATION_STARTED),
            new Transition(SagaStatus.RUNNING, SagaTrigger.STEP_FAILED, SagaStatus.COMPENSATING, SagaEventKind.COMPENSATION_STARTED),
            new Transition(SagaStatus.RUNNING, SagaTrigger.DEADLINE, SagaStatus.COMPENSATING, SagaEventKind.COMPENSATION_STARTED),
            new Transition(SagaStatus.RUNNING, SagaTrigger.ABORT, SagaStatus.COMPENSATING, SagaEventKind.COMPENSATION_STARTED),
            new Transition(SagaStatus.RUNNING, SagaTrigger.RETRIABLE_EXHAUSTED, SagaStatus.STUCK, SagaEventKind.STUCK),
            new Transition(SagaStatus.CONFIRMING, SagaTrigger.ALL_CONFIRMED, SagaStatus.COMPLETED, SagaEventKind.COMPLETED),
            new Transition(SagaStatus.CONFIRMING, SagaTrigger.CONFIRM_EXHAUSTED, SagaStatus.STUCK, SagaEventKind.STUCK),
            new Transition(SagaStatus.COMPENSATING, SagaTrigger.ALL_UNDONE, SagaStatus.COMPENSATED, SagaEventKind.COMPENSATED),
            new Transition(SagaStatus.COMPENSATING, SagaTrigger.UNDO_EXHAUSTED, SagaStatus.STUCK, SagaEventKind.STUCK),
            new Transition(SagaStatus.RUNNING, SagaTrigger.HALTED, SagaStatus.STUCK, SagaEventKind.STUCK),
            new Transition(SagaStatus.CONFIRMING, SagaTrigger.HALTED, SagaStatus.STUCK, SagaEventKind.STUCK),
            new Transition(SagaStatus.COMPENSATING, SagaTrigger.HALTED, SagaStatus.STUCK, SagaEventKind.STUCK),
            new Transition(SagaStatus.STUCK, SagaTrigger.OPERATOR_RETRY_FORWARD, SagaStatus.RUNNING, SagaEventKind.RETRIED_BY_OPERATOR),
            new Transition(SagaStatus.STUCK, SagaTrigger.OPERATOR_RETRY_UNDO, SagaStatus.COMPENSATING, SagaEventKind.RETRIED_BY_OPERATOR),
            new Transition(SagaStatus.STUCK, SagaTrigger.OPERATOR_RETRY_CONFIRM, SagaStatus.CONFIRMING, SagaEventKind.RETRIED_BY_OPERATOR),
            new Transition(SagaStatus.COMPLETED, SagaTrigger.PURGE, null, SagaEventKind.PURGED),
            new Transition(SagaStatus.COMPENSATED, SagaTrigger.PURGE, null, SagaEventKind.PURGED));

    private SagaTransitions() {
    }

    /** Every row. */
    public static List<Transition> table() {
        return TABLE;
    }

    /** The row for {@code trigger} in status {@code from}, if the table has one. */
    public static Optional<Transition> find(SagaStatus from, SagaTrigger trigger) {
        return TABLE.stream().filter(t -> t.from() == from && t.trigger() == trigger).findFirst();
    }

    /**
     * The row for {@code trigger} in status {@code from}.
     *
     * @throws IllegalStateException when the table has none: a defect in the orchestrator, never bad input
     */
    public static Transition require(SagaStatus from, SagaTrigger trigger) {
        return find(from, trigger).orElseThrow(() -> new IllegalStateException(
                "no saga transition from " + from + " on " + trigger + " in the transition table"));
    }

    /** True for the statuses a saga never leaves except by purge. */
    public static boolean isTerminal(SagaStatus status) {
        return status == SagaStatus.COMPLETED || status == SagaStatus.COMPENSATED;
    }

    /** The table as a Mermaid state diagram. */
    public static String mermaid() {
        return "stateDiagram-v2\n" + TABLE.stream()
                .map(t -> "    " + (t.from() == null ? "[*]" : t.from().name()) + " --> "
                        + (t.to() == null ? "[*]" : t.to().name()) + " : " + t.trigger().name().toLowerCase().replace('_', ' '))
                .collect(Collectors.joining("\n")) + "\n";
    }
}
