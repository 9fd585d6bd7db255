package dev.sagaline.participant;

import org.apache.avro.specific.SpecificRecord;

/**
 * The three phases of a try-confirm-cancel step: TRY reserves a resource, CONFIRM makes the
 * reservation final once the whole saga succeeded, CANCEL releases it when the saga failed.
 *
 * <p>The participant enforces the TCC rules so the phases need not:
 * <ul>
 *   <li>CONFIRM and CANCEL are idempotent: once one succeeded, repeats are answered
 *       {@code SUCCEEDED} without a call;</li>
 *   <li>CONFIRM after CANCEL is refused with {@link ParticipantErrorCodes#ALREADY_CANCELLED},
 *       CANCEL after CONFIRM with {@link ParticipantErrorCodes#ALREADY_CONFIRMED};</li>
 *   <li>CONFIRM for a step whose TRY did not succeed is refused with
 *       {@link ParticipantErrorCodes#NOT_TRIED};</li>
 *   <li>empty rollback: CANCEL for a step whose TRY never arrived, or was refused, is answered
 *       {@code SUCCEEDED} without calling {@link #cancel};</li>
 *   <li>anti-hanging: a TRY arriving after its CANCEL is refused with
 *       {@link ParticipantErrorCodes#ALREADY_ROLLED_BACK} without calling {@link #tryStep}.</li>
 * </ul>
 * {@link #cancel} is still called after a TRY whose last attempt ended with a retryable error,
 * because that attempt may have reserved something.
 *
 * @param <I> the service's own Avro record the orchestrator sends as input to all three phases
 */
public interface TccHandler<I extends SpecificRecord> {

    /** Reserves the resource (TRY). Results and exceptions as for {@link StepHandler#handle}. */
    StepResult tryStep(I input, StepContext context) throws Exception;

    /** Makes the reservation final (CONFIRM); should not fail for business reasons. */
    StepResult confirm(I input, StepContext context) throws Exception;

    /** Releases the reservation (CANCEL); must succeed when there is nothing to release. */
    StepResult cancel(I input, StepContext context) throws Exception;
}
