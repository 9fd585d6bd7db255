package dev.sagaline.participant.internals;

import dev.sagaline.participant.ParticipantErrorCodes;
import dev.sagaline.participant.StepStage;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The participant's per-step rules as a table: where the step stands ({@link Phase}) and what kind
 * of action a new command asks for ({@link Kind}) decide what happens ({@link Verdict}). The
 * table is the whole policy for empty rollback, anti-hanging and TCC idempotence; the dispatcher
 * only carries verdicts out.
 */
final class StepRules {

    /** Where a step stands, as derived from its remembered FORWARD and CLOSING replies. */
    enum Phase {
        /** This participant never handled a forward action for the step. */
        NOT_SEEN,
        /** The last forward attempt ended with a retryable error: it ran and may have done part of its work. */
        ATTEMPTED,
        FORWARD_SUCCEEDED,
        /** The forward action was refused, which by contract left no side effects. */
        FORWARD_FAILED,
        /**
         * The forward handler ran, but its reply was too large to send and the step was answered
         * FAILED instead: unlike a refusal, its effect may stand, so a rollback runs the handler.
         */
        FORWARD_UNSENDABLE,
        CONFIRMED,
        /** Compensated or cancelled. */
        ROLLED_BACK
    }

    /** The three kinds of action, whichever family (compensatable or TCC) the step belongs to. */
    enum Kind {
        /** DO or TRY. */
        FORWARD,
        CONFIRM,
        /** COMPENSATE or CANCEL. */
        ROLLBACK
    }

    enum Verdict {
        RUN_HANDLER(null, null),
        /** Answer with the remembered FORWARD reply's outcome and output. */
        REPEAT_FORWARD(null, null),
        /** Answer with the remembered CLOSING reply's outcome. */
        REPEAT_CLOSING(null, null),
        /** Nothing was done, so nothing is undone: SUCCEEDED without calling the handler, remembered as CLOSING. */
        EMPTY_ROLLBACK(null, null),
        REFUSE_ALREADY_ROLLED_BACK(ParticipantErrorCodes.ALREADY_ROLLED_BACK,
                "the step was already compensated or cancelled, so a late forward action is refused"
                        + " rather than leaving an effect nothing would undo"),
        REFUSE_ALREADY_CONFIRMED(ParticipantErrorCodes.ALREADY_CONFIRMED, "the step was already confirmed"),
        REFUSE_ALREADY_CANCELLED(ParticipantErrorCodes.ALREADY_CANCELLED, "the step was already cancelled or compensated"),
        REFUSE_NOT_TRIED(ParticipantErrorCodes.NOT_TRIED,
                "the step's TRY has not succeeded in this participant, so there is nothing to confirm");

        private final String refusalCode;
        private final String explanation;

        Verdict(String refusalCode, String explanation) {
            this.refusalCode = refusalCode;
            this.explanation = explanation;
        }

        /** The errorCode of a FAILED reply, or null when this verdict is not a refusal. */
        String refusalCode() {
            return refusalCode;
        }

        /** Why the command is refused, or null when this verdict is not a refusal. */
        String explanation() {
            return explanation;
        }
    }

    private static final Map<Phase, Map<Kind, Verdict>> TABLE = new EnumMap<>(Phase.class);

    static {
        //   phase                    FORWARD                             CONFIRM                           ROLLBACK
        row(Phase.NOT_SEEN,          Verdict.RUN_HANDLER,                Verdict.REFUSE_NOT_TRIED,         Verdict.EMPTY_ROLLBACK);
        row(Phase.ATTEMPTED,         Verdict.RUN_HANDLER,                Verdict.REFUSE_NOT_TRIED,         Verdict.RUN_HANDLER);
        row(Phase.FORWARD_SUCCEEDED, Verdict.REPEAT_FORWARD,             Verdict.RUN_HANDLER,              Verdict.RUN_HANDLER);
        row(Phase.FORWARD_FAILED,    Verdict.REPEAT_FORWARD,             Verdict.REFUSE_NOT_TRIED,         Verdict.EMPTY_ROLLBACK);
        row(Phase.FORWARD_UNSENDABLE, Verdict.REPEAT_FORWARD,            Verdict.REFUSE_NOT_TRIED,         Verdict.RUN_HANDLER);
        row(Phase.CONFIRMED,         Verdict.REPEAT_FORWARD,             Verdict.REPEAT_CLOSING,           Verdict.REFUSE_ALREADY_CONFIRMED);
        row(Phase.ROLLED_BACK,       Verdict.REFUSE_ALREADY_ROLLED_BACK, Verdict.REFUSE_ALREADY_CANCELLED, Verdict.REPEAT_CLOSING);
    }

    private StepRules() {
    }

    private static void row(Phase phase, Verdict forward, Verdict confirm, Verdict rollback) {
        Map<Kind, Verdict> row = new EnumMap<>(Kind.class);
        row.put(Kind.FORWARD, forward);
        row.put(Kind.CONFIRM, confirm);
        row.put(Kind.ROLLBACK, rollback);
        TABLE.put(phase, row);
    }

    static Verdict verdict(Phase phase, Kind kind) {
        return TABLE.get(phase).get(kind);
    }

    /**
     * @throws IllegalArgumentException for UNKNOWN, which the dispatcher dead-letters before asking,
     *     and for FORGET, a finish notice it records before asking
     */
    static Kind kindOf(StepAction action) {
        switch (action) {
            case DO:
            case TRY:
                return Kind.FORWARD;
            case CONFIRM:
                return Kind.CONFIRM;
            case COMPENSATE:
            case CANCEL:
                return Kind.ROLLBACK;
            default:
                throw new IllegalArgumentException("action " + action + " has no kind");
        }
    }

    static Phase phaseOf(Optional<StepReply> forward, Optional<StepReply> closing) {
        if (closing.isPresent()) {
            return closing.get().getAction() == StepAction.CONFIRM ? Phase.CONFIRMED : Phase.ROLLED_BACK;
        }
        if (forward.isEmpty()) {
            return Phase.NOT_SEEN;
        }
        StepOutcome outcome = forward.get().getOutcome();
        if (outcome == StepOutcome.SUCCEEDED) {
            return Phase.FORWARD_SUCCEEDED;
        }
        if (outcome == StepOutcome.FAILED) {
            return ParticipantErrorCodes.REPLY_TOO_LARGE.equals(forward.get().getErrorCode()) ? Phase.FORWARD_UNSENDABLE
                    : Phase.FORWARD_FAILED;
        }
        return Phase.ATTEMPTED;
    }

    /**
     * Whether a reply remembered at {@code stage} stays there for good once the step is in
     * {@code phase}: no verdict of the phase's row writes that stage again. Such a reply also
     * answers a redelivery of its own command, so it needs no second copy under the command's id.
     */
    static boolean keeps(Phase phase, StepStage stage) {
        for (Kind kind : Kind.values()) {
            Verdict verdict = verdict(phase, kind);
            boolean writes = verdict == Verdict.RUN_HANDLER || verdict == Verdict.EMPTY_ROLLBACK;
            if (writes && stageOf(kind) == stage) {
                return false;
            }
        }
        return true;
    }

    /** The stage at which a command of this kind's reply is remembered, when it is. */
    static StepStage stageOf(Kind kind) {
        return kind == Kind.FORWARD ? StepStage.FORWARD : StepStage.CLOSING;
    }

    /** Whether a handler's reply of this kind and outcome closes the step, so it is remembered as CLOSING. */
    static boolean closesStep(Kind kind, StepOutcome outcome) {
        return kind != Kind.FORWARD && outcome == StepOutcome.SUCCEEDED;
    }
}
