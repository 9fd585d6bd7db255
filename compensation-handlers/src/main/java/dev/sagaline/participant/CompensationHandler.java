package dev.sagaline.participant;

import org.apache.avro.specific.SpecificRecord;

/**
 * Undoes a step's forward action: answers COMPENSATE commands.
 *
 * <p>Called only when the forward action may have had an effect: after a DO that succeeded, or
 * whose last attempt ended with a retryable error (it may have done part of its work, so a
 * compensation must also succeed when it finds nothing to undo). It is not called, and the
 * participant answers {@code SUCCEEDED} on its own, when this participant never handled a DO for
 * the step (empty rollback) or when the DO was refused with {@code FAILED}, since a refusal has no
 * side effects by contract. Once a compensation succeeded, later DOs for the step are refused
 * with {@link ParticipantErrorCodes#ALREADY_ROLLED_BACK}.
 *
 * <p>A compensation should not fail for business reasons; a {@code FAILED} or
 * {@code RETRYABLE_ERROR} result leaves the step uncompensated, and the next COMPENSATE (a new
 * command id) calls it again.
 *
 * @param <I> the service's own Avro record the orchestrator sends as the compensation's input
 *     (the forward step's output when it had one)
 */
@FunctionalInterface
public interface CompensationHandler<I extends SpecificRecord> {

    /**
     * @param input the command's input payload decoded into {@code I}; null when the command has none
     * @param context the command's ids and metadata; {@link StepContext#idempotencyKey()}, the
     *     same for every attempt of the undo, is the key for side effects outside Kafka
     * @return the outcome, as for {@link StepHandler#handle}
     */
    StepResult compensate(I input, StepContext context) throws Exception;
}
