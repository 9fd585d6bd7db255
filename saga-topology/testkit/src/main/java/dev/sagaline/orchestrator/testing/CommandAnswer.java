package dev.sagaline.orchestrator.testing;

import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.StepReplies;
import org.apache.avro.specific.SpecificRecord;

/**
 * Scripts the answer to one command the kit sent, replying at the kit's clock. Users meet it as
 * {@link SagaTestKit.Reply}.
 */
abstract class CommandAnswer {

    private final SagaTestKit kit;
    private final SentCommand command;

    CommandAnswer(SagaTestKit kit, SentCommand command) {
        this.kit = kit;
        this.command = command;
    }

    /** Replies SUCCEEDED with no output. */
    public SagaTestKit succeed() {
        return kit.reply(answer().succeeded(null));
    }

    /** Replies SUCCEEDED with {@code output}. */
    public SagaTestKit succeed(SpecificRecord output) {
        return kit.reply(answer().succeeded(kit.encode(output)));
    }

    /** Replies SUCCEEDED with a ready-made payload. */
    public SagaTestKit succeedWith(Payload output) {
        return kit.reply(answer().succeeded(output));
    }

    /** Replies FAILED: a business refusal. */
    public SagaTestKit fail(String errorCode, String errorMessage) {
        return kit.reply(answer().failed(errorCode, errorMessage));
    }

    /** Replies RETRYABLE_ERROR: a transient problem. */
    public SagaTestKit retryableError(String errorCode, String errorMessage) {
        return kit.reply(answer().retryableError(errorCode, errorMessage));
    }

    private StepReplies answer() {
        return StepReplies.to(command.command(), kit.now());
    }
}
