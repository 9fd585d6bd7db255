package dev.sagaline.participant;

import org.apache.avro.specific.SpecificRecord;

/**
 * Performs a compensatable (or pivot, or retriable) step's forward action: answers DO commands.
 *
 * <p>Called at most once per command id that gets a committed reply, except after a crash before
 * that commit, when it is called again with the same command id, and for every new attempt the
 * orchestrator sends: make side effects outside Kafka idempotent on
 * {@link StepContext#idempotencyKey()}, which every attempt of the forward action shares. Not
 * called for a duplicate of an answered command, for a retry after the step already succeeded or
 * failed, nor after the step was compensated.
 *
 * @param <I> the service's own Avro input record
 */
@FunctionalInterface
public interface StepHandler<I extends SpecificRecord> {

    /**
     * @param input the command's input payload decoded into {@code I}; null when the command has none
     * @param context the command's ids and metadata
     * @return the outcome; throw {@link BusinessFailureException} or
     *     {@link TransientFailureException} instead when that is more convenient. Any other
     *     exception becomes a {@code RETRYABLE_ERROR} reply with its class name as the code.
     */
    StepResult handle(I input, StepContext context) throws Exception;
}
