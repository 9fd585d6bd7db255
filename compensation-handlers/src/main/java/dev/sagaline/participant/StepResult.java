package dev.sagaline.participant;

import dev.sagaline.protocol.v1.StepOutcome;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * What a handler decided, returned as a value rather than a boolean: the participant turns it into
 * the command's {@code StepReply}.
 *
 * <ul>
 *   <li>{@link #succeeded()} / {@link #succeeded(SpecificRecord)}: the action was applied; the
 *       optional output (the service's own Avro record) becomes the reply's payload, available to
 *       later steps and to this step's compensation.</li>
 *   <li>{@link #failed(String, String)}: a business refusal that retrying cannot fix; the step
 *       must have left no side effects.</li>
 *   <li>{@link #retryable(String, String)}: a transient problem; the orchestrator retries.</li>
 * </ul>
 *
 * @param outcome SUCCEEDED, FAILED or RETRYABLE_ERROR (never UNKNOWN)
 * @param output the output record; only with SUCCEEDED, may be null
 * @param errorCode a short machine-readable reason; required unless SUCCEEDED, null then
 * @param errorMessage a human-readable explanation; may be null, always null with SUCCEEDED
 */
public record StepResult(StepOutcome outcome, SpecificRecord output, String errorCode, String errorMessage) {

    private static final StepResult SUCCEEDED_WITHOUT_OUTPUT = new StepResult(StepOutcome.SUCCEEDED, null, null, null);

    public StepResult {
        Objects.requireNonNull(outcome, "outcome");
        if (outcome == StepOutcome.UNKNOWN) {
            throw new IllegalArgumentException("outcome must be SUCCEEDED, FAILED or RETRYABLE_ERROR, not UNKNOWN");
        }
        if (outcome == StepOutcome.SUCCEEDED) {
            if (errorCode != null || errorMessage != null) {
                throw new IllegalArgumentException("a SUCCEEDED result has no errorCode or errorMessage");
            }
        } else {
            if (output != null) {
                throw new IllegalArgumentException("only a SUCCEEDED result has an output, not " + outcome);
            }
            BusinessFailureException.requireCode(errorCode);
        }
    }

    /** The action was applied and produced no output. */
    public static StepResult succeeded() {
        return SUCCEEDED_WITHOUT_OUTPUT;
    }

    /** The action was applied and produced {@code output}. */
    public static StepResult succeeded(SpecificRecord output) {
        return new StepResult(StepOutcome.SUCCEEDED, Objects.requireNonNull(output, "output"), null, null);
    }

    /** A business refusal with no side effects, such as {@code failed("OUT_OF_STOCK", "sku 42 has 0 left")}. */
    public static StepResult failed(String code, String message) {
        return new StepResult(StepOutcome.FAILED, null, code, message);
    }

    /** A transient problem; the orchestrator retries the action with a new command id. */
    public static StepResult retryable(String code, String message) {
        return new StepResult(StepOutcome.RETRYABLE_ERROR, null, code, message);
    }
}
