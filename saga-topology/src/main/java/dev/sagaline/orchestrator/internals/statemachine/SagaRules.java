package dev.sagaline.orchestrator.internals.statemachine;

import static dev.sagaline.orchestrator.internals.statemachine.SagaGuard.ALWAYS;
import static dev.sagaline.orchestrator.internals.statemachine.SagaGuard.BEFORE_PIVOT;
import static dev.sagaline.orchestrator.internals.statemachine.SagaGuard.PIVOT_IN_DOUBT;
import static dev.sagaline.orchestrator.internals.statemachine.SagaGuard.PIVOT_PASSED;
import static dev.sagaline.orchestrator.internals.statemachine.SagaGuard.STUCK_COMPENSATING;
import static dev.sagaline.orchestrator.internals.statemachine.SagaGuard.STUCK_CONFIRMING;
import static dev.sagaline.orchestrator.internals.statemachine.SagaGuard.STUCK_GOING_FORWARD;
import static dev.sagaline.protocol.v1.SagaStatus.COMPENSATED;
import static dev.sagaline.protocol.v1.SagaStatus.COMPENSATING;
import static dev.sagaline.protocol.v1.SagaStatus.COMPLETED;
import static dev.sagaline.protocol.v1.SagaStatus.CONFIRMING;
import static dev.sagaline.protocol.v1.SagaStatus.RUNNING;
import static dev.sagaline.protocol.v1.SagaStatus.STUCK;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Collectors;

/**
 * The saga state machine as data: for a saga in status {@code from}, the trigger and the guard
 * that holds pick exactly one row, which says the status after, the audit event written and the
 * verdict carried out. Every input the orchestrator handles, including those it refuses or
 * ignores, goes through this table, so a saga cannot do anything that is not a row here; the
 * README's diagram is drawn from it ({@link #mermaid()}).
 *
 * <p>The table counts how often each row was used, so a test can show that every row is
 * exercised by a saga of the real topology.
 */
public final class SagaRules {

    /**
     * One row.
     *
     * @param from the status before; null for a saga that does not exist yet
     * @param trigger what happens
     * @param guard the condition on the saga's state under which the row applies
     * @param to the status after; equal to {@code from} for a row that changes no status, null for a purge
     * @param event the kind of the audit event written, or null when the verdict writes its own (or none)
     * @param verdict what is carried out after the event
     */
    public record Rule(SagaStatus from, SagaTrigger trigger, SagaGuard guard, SagaStatus to, SagaEventKind event, SagaVerdict verdict) {

        /** Whether the row moves the saga to another status, or out of the store. */
        public boolean changesStatus() {
            return from != to || trigger == SagaTrigger.START;
        }
    }

    private static final SagaStatus[] EXISTING = {RUNNING, COMPENSATING, CONFIRMING, STUCK, COMPLETED, COMPENSATED};

    private static final List<Rule> TABLE = new ArrayList<>();

    static {
        //       from          trigger                                 guard                to            event                                   verdict
        rule(null,         SagaTrigger.START,                      ALWAYS,              RUNNING,      SagaEventKind.STARTED,                  SagaVerdict.BEGIN);
        every(SagaTrigger.DUPLICATE_START, SagaEventKind.DUPLICATE_START_IGNORED, EXISTING);

        // going forward; an abort or the deadline waits while the pivot is in doubt, and is refused once it succeeded
        rule(RUNNING,      SagaTrigger.REPLY,                      ALWAYS,              RUNNING,      null,                                   SagaVerdict.SETTLE);
        rule(RUNNING,      SagaTrigger.FORWARD_DONE,               ALWAYS,              COMPLETED,    SagaEventKind.COMPLETED,                SagaVerdict.FINISH);
        rule(RUNNING,      SagaTrigger.FORWARD_DONE_NEEDS_CONFIRM, ALWAYS,              CONFIRMING,   SagaEventKind.CONFIRMATION_STARTED,     SagaVerdict.PROCEED);
        rule(RUNNING,      SagaTrigger.STEP_FAILED,                ALWAYS,              COMPENSATING, SagaEventKind.COMPENSATION_STARTED,     SagaVerdict.TURN_BACK_AWAITING_IN_FLIGHT);
        rule(RUNNING,      SagaTrigger.DEADLINE,                   BEFORE_PIVOT,        COMPENSATING, SagaEventKind.COMPENSATION_STARTED,     SagaVerdict.TURN_BACK_ABANDONING_IN_FLIGHT);
        rule(RUNNING,      SagaTrigger.DEADLINE,                   PIVOT_IN_DOUBT,      RUNNING,      SagaEventKind.TURN_BACK_PENDING,        SagaVerdict.DEFER_TURN_BACK);
        rule(RUNNING,      SagaTrigger.DEADLINE,                   PIVOT_PASSED,        RUNNING,      SagaEventKind.DEADLINE_REFUSED,         SagaVerdict.DROP_DEADLINE);
        rule(RUNNING,      SagaTrigger.ABORT,                      BEFORE_PIVOT,        COMPENSATING, SagaEventKind.COMPENSATION_STARTED,     SagaVerdict.TURN_BACK_ABANDONING_IN_FLIGHT);
        rule(RUNNING,      SagaTrigger.ABORT,                      PIVOT_IN_DOUBT,      RUNNING,      SagaEventKind.TURN_BACK_PENDING,        SagaVerdict.DEFER_TURN_BACK);
        rule(RUNNING,      SagaTrigger.ABORT,                      PIVOT_PASSED,        RUNNING,      SagaEventKind.ABORT_REFUSED,            SagaVerdict.RECORD);
        rule(RUNNING,      SagaTrigger.RETRIABLE_EXHAUSTED,        ALWAYS,              STUCK,        SagaEventKind.STUCK,                    SagaVerdict.STICK);
        rule(RUNNING,      SagaTrigger.IN_DOUBT_UNRESOLVED,        ALWAYS,              STUCK,        SagaEventKind.STUCK,                    SagaVerdict.STICK);
        rule(RUNNING,      SagaTrigger.RESOLVE_SUCCEEDED,          ALWAYS,              RUNNING,      SagaEventKind.STEP_RESOLVED,            SagaVerdict.RESOLVE_FORWARD);
        rule(RUNNING,      SagaTrigger.RESOLVE_NOT_APPLIED,        ALWAYS,              COMPENSATING, SagaEventKind.STEP_RESOLVED,            SagaVerdict.RESOLVE_BACK);

        // confirming TCC steps
        rule(CONFIRMING,   SagaTrigger.REPLY,                      ALWAYS,              CONFIRMING,   null,                                   SagaVerdict.SETTLE);
        rule(CONFIRMING,   SagaTrigger.ALL_CONFIRMED,              ALWAYS,              COMPLETED,    SagaEventKind.COMPLETED,                SagaVerdict.FINISH);
        rule(CONFIRMING,   SagaTrigger.CONFIRM_EXHAUSTED,          ALWAYS,              STUCK,        SagaEventKind.STUCK,                    SagaVerdict.STICK);
        rule(CONFIRMING,   SagaTrigger.DEADLINE,                   ALWAYS,              CONFIRMING,   SagaEventKind.DEADLINE_REFUSED,         SagaVerdict.DROP_DEADLINE);

        // turning back
        rule(COMPENSATING, SagaTrigger.REPLY,                      ALWAYS,              COMPENSATING, null,                                   SagaVerdict.SETTLE);
        rule(COMPENSATING, SagaTrigger.ALL_UNDONE,                 ALWAYS,              COMPENSATED,  SagaEventKind.COMPENSATED,              SagaVerdict.FINISH);
        rule(COMPENSATING, SagaTrigger.UNDO_EXHAUSTED,             ALWAYS,              STUCK,        SagaEventKind.STUCK,                    SagaVerdict.STICK);

        // halted for a reason outside the rules (a record too large, an input mapping that throws)
        rule(RUNNING,      SagaTrigger.HALTED,                     ALWAYS,              STUCK,        SagaEventKind.STUCK,                    SagaVerdict.STICK);
        rule(CONFIRMING,   SagaTrigger.HALTED,                     ALWAYS,              STUCK,        SagaEventKind.STUCK,                    SagaVerdict.STICK);
        rule(COMPENSATING, SagaTrigger.HALTED,                     ALWAYS,              STUCK,        SagaEventKind.STUCK,                    SagaVerdict.STICK);
        rule(STUCK,        SagaTrigger.HALTED,                     ALWAYS,              STUCK,        SagaEventKind.STUCK,                    SagaVerdict.RECORD);

        // stuck, until an operator retries or resolves, or the in-doubt step's reply resolves it
        rule(STUCK,        SagaTrigger.OPERATOR_RETRY,             STUCK_GOING_FORWARD, RUNNING,      SagaEventKind.RETRIED_BY_OPERATOR,      SagaVerdict.RESUME);
        rule(STUCK,        SagaTrigger.OPERATOR_RETRY,             STUCK_COMPENSATING,  COMPENSATING, SagaEventKind.RETRIED_BY_OPERATOR,      SagaVerdict.RESUME);
        rule(STUCK,        SagaTrigger.OPERATOR_RETRY,             STUCK_CONFIRMING,    CONFIRMING,   SagaEventKind.RETRIED_BY_OPERATOR,      SagaVerdict.RESUME);
        rule(STUCK,        SagaTrigger.RESOLVE_SUCCEEDED,          ALWAYS,              RUNNING,      SagaEventKind.STEP_RESOLVED,            SagaVerdict.RESOLVE_FORWARD);
        rule(STUCK,        SagaTrigger.RESOLVE_NOT_APPLIED,        ALWAYS,              COMPENSATING, SagaEventKind.STEP_RESOLVED,            SagaVerdict.RESOLVE_BACK);
        rule(STUCK,        SagaTrigger.REPLY_WHILE_STUCK,          ALWAYS,              STUCK,        null,                                   SagaVerdict.RECORD_OUTCOME);
        every(SagaTrigger.OPERATOR_RETRY, SagaEventKind.REQUEST_REFUSED, RUNNING, COMPENSATING, CONFIRMING, COMPLETED, COMPENSATED);
        every(SagaTrigger.RESOLVE_NOT_IN_DOUBT, SagaEventKind.REQUEST_REFUSED, EXISTING);

        // only a saga going forward before its pivot can be aborted
        every(SagaTrigger.ABORT, SagaEventKind.ABORT_REFUSED, COMPENSATING, CONFIRMING, STUCK, COMPLETED, COMPENSATED);

        // finished: details go after the retention, the id and outcome after the duplicate-start window
        rule(COMPLETED,    SagaTrigger.PURGE,                      ALWAYS,              COMPLETED,    SagaEventKind.PURGED,                   SagaVerdict.COMPACT);
        rule(COMPENSATED,  SagaTrigger.PURGE,                      ALWAYS,              COMPENSATED,  SagaEventKind.PURGED,                   SagaVerdict.COMPACT);
        rule(COMPLETED,    SagaTrigger.FORGET,                     ALWAYS,              null,         null,                                   SagaVerdict.FORGET);
        rule(COMPENSATED,  SagaTrigger.FORGET,                     ALWAYS,              null,         null,                                   SagaVerdict.FORGET);

        // a reply that is not the answer to an outstanding command never moves a saga
        every(SagaTrigger.LATE_REPLY, SagaEventKind.LATE_REPLY_IGNORED, EXISTING);
        every(SagaTrigger.DUPLICATE_REPLY, SagaEventKind.DUPLICATE_REPLY_IGNORED, EXISTING);

        // a record keyed by the saga that it cannot act on is set aside on the dead-letter topic, and noted in its history
        every(SagaTrigger.INPUT_REJECTED, SagaEventKind.INPUT_DEAD_LETTERED, EXISTING);
    }

    private static final AtomicLongArray USES = new AtomicLongArray(TABLE.size());

    private SagaRules() {
    }

    private static void rule(SagaStatus from, SagaTrigger trigger, SagaGuard guard, SagaStatus to, SagaEventKind event, SagaVerdict verdict) {
        TABLE.add(new Rule(from, trigger, guard, to, event, verdict));
    }

    /** Rows that record {@code event} and change nothing, one per status. */
    private static void every(SagaTrigger trigger, SagaEventKind event, SagaStatus... statuses) {
        for (SagaStatus status : statuses) {
            rule(status, trigger, ALWAYS, status, event, SagaVerdict.RECORD);
        }
    }

    /** Every row, in table order. */
    public static List<Rule> table() {
        return List.copyOf(TABLE);
    }

    /** The rows that change a saga's status (or remove it), the ones the diagram draws. */
    public static List<Rule> statusChanges() {
        return TABLE.stream().filter(Rule::changesStatus).toList();
    }

    /**
     * The row for {@code trigger} on a saga in {@code state} (null for a saga that does not exist
     * yet) running {@code definition}, counted as used.
     *
     * @throws IllegalStateException when no row applies: a defect in the orchestrator, never bad input
     */
    static Rule lookup(SagaState state, SagaDefinition definition, SagaTrigger trigger) {
        SagaStatus from = state == null ? null : state.getStatus();
        for (int i = 0; i < TABLE.size(); i++) {
            Rule rule = TABLE.get(i);
            if (rule.from() == from && rule.trigger() == trigger && rule.guard().holds(state, definition)) {
                USES.incrementAndGet(i);
                return rule;
            }
        }
        throw new IllegalStateException("no saga rule for " + trigger + " in status " + from + " in the rules table");
    }

    /** How often {@code rule} was used by {@link #lookup} in this JVM. */
    static long uses(Rule rule) {
        int i = TABLE.indexOf(rule);
        return i < 0 ? 0 : USES.get(i);
    }

    /** Whether a saga in {@code status} has a row for {@code trigger}, so that input is awaited at all. */
    static boolean handles(SagaStatus status, SagaTrigger trigger) {
        return TABLE.stream().anyMatch(r -> r.from() == status && r.trigger() == trigger);
    }

    /** True for the statuses a saga never leaves except by purge. */
    public static boolean isTerminal(SagaStatus status) {
        return status == COMPLETED || status == COMPENSATED;
    }

    /** The status changes as a Mermaid state diagram. */
    public static String mermaid() {
        return "stateDiagram-v2\n" + statusChanges().stream()
                .map(r -> "    " + (r.from() == null ? "[*]" : r.from().name()) + " --> "
                        + (r.to() == null ? "[*]" : r.to().name()) + " : " + words(r.trigger().name())
                        + (r.guard() == ALWAYS ? "" : " [" + words(r.guard().name()) + "]"))
                .collect(Collectors.joining("\n")) + "\n";
    }

    private static String words(String constant) {
        return constant.toLowerCase().replace('_', ' ');
    }
}
