package dev.sagaline.orchestrator.internals.statemachine;

import static dev.sagaline.protocol.v1.StepStatus.CONFIRMED;
import static dev.sagaline.protocol.v1.StepStatus.CONFIRMING;
import static dev.sagaline.protocol.v1.StepStatus.FAILED;
import static dev.sagaline.protocol.v1.StepStatus.IN_FLIGHT;
import static dev.sagaline.protocol.v1.StepStatus.PENDING;
import static dev.sagaline.protocol.v1.StepStatus.SUCCEEDED;
import static dev.sagaline.protocol.v1.StepStatus.UNCERTAIN;
import static dev.sagaline.protocol.v1.StepStatus.UNDONE;
import static dev.sagaline.protocol.v1.StepStatus.UNDOING;

import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepState;
import dev.sagaline.protocol.v1.StepStatus;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Collectors;

/**
 * The lifecycle of one step of a saga as data: which {@link StepStatus} a step may be in when
 * something happens to it ({@link Move}), and the status it is in afterwards. Every change of a
 * step's status goes through {@link #move}, so a change that is not a row here cannot happen.
 */
public final class StepLifecycle {

    /** What happens to a step. */
    public enum Move {
        /** Its forward command (DO or TRY) is sent: the first attempt, a retry, or an operator's resend. */
        FORWARD_SENT,
        /** Its forward action succeeded. */
        FORWARD_SUCCEEDED,
        /** Its forward action was refused, ran out of attempts, or its pending retry was cancelled by a turn-back. */
        FORWARD_FAILED,
        /**
         * Its forward command got no answer in time: it may or may not have been applied. A step
         * that can be undone is compensated either way; one that cannot stays in doubt, its command
         * still outstanding, until it is answered or resolved.
         */
        FORWARD_UNKNOWN,
        /** Its in-doubt forward command is sent again with the same id. */
        FORWARD_RESENT,
        /** Its COMPENSATE or CANCEL is sent. */
        UNDO_SENT,
        /** It was compensated or cancelled. */
        UNDO_SUCCEEDED,
        /** Its CONFIRM is sent. */
        CONFIRM_SENT,
        /** It was confirmed. */
        CONFIRM_SUCCEEDED
    }

    /**
     * One row.
     *
     * @param from the statuses the step may be in
     * @param move what happens
     * @param to the status afterwards
     */
    public record Row(Set<StepStatus> from, Move move, StepStatus to) {
    }

    private static final List<Row> TABLE = new ArrayList<>();

    static {
        //  from                                                move                    to
        row(EnumSet.of(PENDING, IN_FLIGHT, FAILED, UNCERTAIN), Move.FORWARD_SENT,      IN_FLIGHT);
        row(EnumSet.of(IN_FLIGHT, UNCERTAIN),                  Move.FORWARD_SUCCEEDED, SUCCEEDED);
        row(EnumSet.of(IN_FLIGHT, UNCERTAIN),                  Move.FORWARD_FAILED,    FAILED);
        row(EnumSet.of(IN_FLIGHT, UNCERTAIN),                  Move.FORWARD_UNKNOWN,   UNCERTAIN);
        row(EnumSet.of(UNCERTAIN),                             Move.FORWARD_RESENT,    UNCERTAIN);
        row(EnumSet.of(SUCCEEDED, FAILED, UNCERTAIN, UNDOING), Move.UNDO_SENT,         UNDOING);
        row(EnumSet.of(UNDOING),                               Move.UNDO_SUCCEEDED,    UNDONE);
        row(EnumSet.of(SUCCEEDED, CONFIRMING),                 Move.CONFIRM_SENT,      CONFIRMING);
        row(EnumSet.of(CONFIRMING),                            Move.CONFIRM_SUCCEEDED, CONFIRMED);
    }

    private static final AtomicLongArray USES = new AtomicLongArray(TABLE.size());

    private StepLifecycle() {
    }

    private static void row(Set<StepStatus> from, Move move, StepStatus to) {
        TABLE.add(new Row(Set.copyOf(from), move, to));
    }

    /** Every row, in table order. */
    public static List<Row> table() {
        return List.copyOf(TABLE);
    }

    /**
     * Moves {@code step} to the status the table gives for {@code move}.
     *
     * @throws IllegalStateException when the step's status has no row for the move: a defect in the orchestrator
     */
    static void move(StepState step, Move move) {
        for (int i = 0; i < TABLE.size(); i++) {
            Row row = TABLE.get(i);
            if (row.move() == move && row.from().contains(step.getStatus())) {
                USES.incrementAndGet(i);
                step.setStatus(row.to());
                return;
            }
        }
        throw new IllegalStateException("step " + step.getName() + " is " + step.getStatus() + ", which has no row for " + move
                + " in the step lifecycle table");
    }

    /** The move that sending a command of {@code action} makes. */
    static Move sent(StepAction action) {
        return isForward(action) ? Move.FORWARD_SENT : action == StepAction.CONFIRM ? Move.CONFIRM_SENT : Move.UNDO_SENT;
    }

    /**
     * True when the step's outcome is in doubt: its forward command went unanswered past its
     * timeout and is still outstanding, because the step cannot be undone and so is resolved, never guessed.
     */
    static boolean inDoubt(StepState step) {
        return step.getStatus() == UNCERTAIN && step.getCommandId() != null;
    }

    /** True for DO and TRY, the actions that move a saga forward; the only place that says so. */
    public static boolean isForward(StepAction action) {
        return action == StepAction.DO || action == StepAction.TRY;
    }

    /** How often {@code row} was used by {@link #move} in this JVM. */
    static long uses(Row row) {
        int i = TABLE.indexOf(row);
        return i < 0 ? 0 : USES.get(i);
    }

    /** The table as a Mermaid state diagram. */
    public static String mermaid() {
        return "stateDiagram-v2\n    [*] --> PENDING\n" + TABLE.stream()
                .flatMap(r -> r.from().stream().sorted().map(from -> "    " + from.name() + " --> " + r.to().name() + " : "
                        + r.move().name().toLowerCase().replace('_', ' ')))
                .collect(Collectors.joining("\n")) + "\n";
    }
}
