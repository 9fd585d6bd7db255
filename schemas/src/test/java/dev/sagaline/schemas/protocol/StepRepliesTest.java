package dev.sagaline.schemas.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReplies;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.testsupport.ProtocolFixtures;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StepRepliesTest {

    private static final Instant AT = Instant.parse("2030-01-01T00:00:01Z");

    private final StepCommand command = command("cmd-1");

    @Test
    void answersWithTheCommandsCorrelationFieldsAndTheGivenTime() {
        StepReply reply = StepReplies.to(command, AT).succeeded(ProtocolFixtures.payload());

        assertThat(reply.getCommandId()).isEqualTo(command.getCommandId());
        assertThat(reply.getSagaId()).isEqualTo(command.getSagaId());
        assertThat(reply.getStep()).isEqualTo(command.getStep());
        assertThat(reply.getAction()).isEqualTo(StepAction.COMPENSATE);
        assertThat(reply.getAttempt()).isEqualTo(4);
        assertThat(reply.getRepliedAtMs()).isEqualTo(AT);
        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(reply.getOutput()).isEqualTo(ProtocolFixtures.payload());
        assertThat(reply.getErrorCode()).isNull();
    }

    @Test
    void failedAndRetryableRepliesCarryTheErrorAndNoOutput() {
        StepReply failed = StepReplies.to(command, AT).failed("OUT_OF_STOCK", "none left");
        StepReply retryable = StepReplies.to(command, AT).retryableError("TIMEOUT", "db slow");

        assertThat(failed.getOutcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(failed.getErrorCode()).isEqualTo("OUT_OF_STOCK");
        assertThat(failed.getErrorMessage()).isEqualTo("none left");
        assertThat(failed.getOutput()).isNull();
        assertThat(retryable.getOutcome()).isEqualTo(StepOutcome.RETRYABLE_ERROR);
        assertThat(retryable.getErrorCode()).isEqualTo("TIMEOUT");
    }

    @Test
    void aRepeatedAnswerKeepsTheEarlierOutcomeButAnswersTheNewCommand() {
        StepReply earlier = ProtocolFixtures.stepReply();
        StepReply repeated = StepReplies.to(command("cmd-2"), AT).repeating(earlier);

        assertThat(repeated.getCommandId()).isEqualTo("cmd-2");
        assertThat(repeated.getOutcome()).isEqualTo(earlier.getOutcome());
        assertThat(repeated.getOutput()).isEqualTo(earlier.getOutput());
        assertThat(repeated.getErrorCode()).isEqualTo(earlier.getErrorCode());
        assertThat(repeated.getErrorMessage()).isEqualTo(earlier.getErrorMessage());
        assertThat(repeated.getRepliedAtMs()).isEqualTo(AT);
    }

    private static StepCommand command(String commandId) {
        StepCommand fixture = ProtocolFixtures.stepCommand();
        return StepCommand.newBuilder().setCommandId(commandId).setSagaId(fixture.getSagaId()).setSagaType(fixture.getSagaType())
                .setStep(fixture.getStep()).setAction(StepAction.COMPENSATE).setAttempt(4).setReplyTopic(fixture.getReplyTopic())
                .setIssuedAtMs(fixture.getIssuedAtMs()).build();
    }
}
