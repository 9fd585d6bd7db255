package dev.sagaline.protocol.v1;

import java.time.Instant;
import java.util.Objects;

/**
 * Builds the {@link StepReply} that answers one {@link StepCommand}, the single place where a
 * reply takes the command's correlation fields (command id, saga id, step, action, attempt). The
 * orchestrator matches a reply on exactly these fields, so every component that answers
 * commands (the participant runtime, the outbox path, the test kit) builds its replies here.
 *
 * <pre>{@code
 * StepReply reply = StepReplies.to(command, clock.instant()).failed("OUT_OF_STOCK", "SKU-1 has 0 left");
 * }</pre>
 */
public final class StepReplies {

    private final StepCommand command;
    private final Instant repliedAt;

    private StepReplies(StepCommand command, Instant repliedAt) {
        this.command = Objects.requireNonNull(command, "command");
        this.repliedAt = Objects.requireNonNull(repliedAt, "repliedAt");
    }

    /**
     * @param repliedAt written as the reply's {@code repliedAtMs}; the caller's clock, so tests and
     *     stream tasks control it
     */
    public static StepReplies to(StepCommand command, Instant repliedAt) {
        return new StepReplies(command, repliedAt);
    }

    /** SUCCEEDED, with {@code output} ({@code null} when the step produced none). */
    public StepReply succeeded(Payload output) {
        return answer(StepOutcome.SUCCEEDED, output, null, null);
    }

    /** FAILED: a business refusal the saga answers by compensating. */
    public StepReply failed(String errorCode, String errorMessage) {
        return answer(StepOutcome.FAILED, null, errorCode, errorMessage);
    }

    /** RETRYABLE_ERROR: a transient problem the orchestrator retries under the step's policy. */
    public StepReply retryableError(String errorCode, String errorMessage) {
        return answer(StepOutcome.RETRYABLE_ERROR, null, errorCode, errorMessage);
    }

    /** The same outcome, output and error as {@code earlier}, answering this command (a repeated command gets the remembered answer). */
    public StepReply repeating(StepReply earlier) {
        return answer(earlier.getOutcome(), earlier.getOutput(), earlier.getErrorCode(), earlier.getErrorMessage());
    }

    /**
     * Any outcome, for callers that carry one decided elsewhere (a handler's result).
     *
     * @param output {@code null} for none
     * @param errorCode {@code null} for none; expected when the outcome is not SUCCEEDED
     * @param errorMessage {@code null} for none
     */
    public StepReply answer(StepOutcome outcome, Payload output, String errorCode, String errorMessage) {
        return StepReply.newBuilder()
                .setCommandId(command.getCommandId())
                .setSagaId(command.getSagaId())
                .setStep(command.getStep())
                .setAction(command.getAction())
                .setAttempt(command.getAttempt())
                .setOutcome(Objects.requireNonNull(outcome, "outcome"))
                .setOutput(output)
                .setErrorCode(errorCode)
                .setErrorMessage(errorMessage)
                .setRepliedAtMs(repliedAt)
                .build();
    }
}
