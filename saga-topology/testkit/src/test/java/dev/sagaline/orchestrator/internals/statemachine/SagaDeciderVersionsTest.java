package dev.sagaline.orchestrator.internals.statemachine;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.SIGNUP_V1;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.SIGNUP_V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.retry.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * An instance keeps the definition version it started with when the orchestrator restarts with a
 * newer version loaded: the state machine alone, as the coordinator drives it across a restart.
 */
class SagaDeciderVersionsTest {

    private static final long NOW = Instant.parse("2030-01-01T00:00:00Z").toEpochMilli();
    private static final StepPolicies POLICIES = new StepPolicies(Duration.ofSeconds(30), RetryPolicy.attempts(3),
            RetryPolicy.untilSuccess(), RetryPolicy.attempts(10), Duration.ofDays(1), Duration.ofDays(7), Duration.ofMinutes(10));

    private final SagaDecider beforeUpgrade = new SagaDecider(SagaDefinitions.of(SIGNUP_V1), POLICIES, "replies");
    private final SagaDecider afterUpgrade = new SagaDecider(SagaDefinitions.of(SIGNUP_V1, SIGNUP_V2), POLICIES, "replies");

    @Test
    void keepsRunningItsOwnVersionAfterANewerOneIsLoaded() {
        SagaDecision started = beforeUpgrade.onRequest("s-1", start("s-1"), null, NOW);
        StepCommand createAccount = started.commands().get(0).command();

        SagaDecision replied = afterUpgrade.onReply("s-1", succeeded(createAccount), started.state(), NOW + 1);

        assertThat(replied.state().getDefinitionVersion()).isEqualTo(1);
        assertThat(replied.state().getStatus()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(replied.commands()).as("only the finish notice of the one step v1 has")
                .extracting(command -> command.command().getAction(), command -> command.command().getStep())
                .containsExactly(tuple(StepAction.FORGET, "create-account"));
    }

    @Test
    void startsNewInstancesOfTheNewerVersionAfterTheUpgrade() {
        SagaDecision started = afterUpgrade.onRequest("s-2", start("s-2"), null, NOW);
        StepCommand createAccount = started.commands().get(0).command();

        SagaDecision replied = afterUpgrade.onReply("s-2", succeeded(createAccount), started.state(), NOW + 1);

        assertThat(replied.state().getDefinitionVersion()).isEqualTo(2);
        assertThat(replied.commands()).singleElement().satisfies(c -> assertThat(c.command().getStep()).isEqualTo("send-welcome"));
    }

    @Test
    void cannotRunAnInstanceWhoseVersionIsNoLongerLoaded() {
        SagaState running = beforeUpgrade.onRequest("s-1", start("s-1"), null, NOW).state();
        SagaDecider withoutV1 = new SagaDecider(SagaDefinitions.of(SIGNUP_V2), POLICIES, "replies");

        assertThatThrownBy(() -> withoutV1.onTimer(running, NOW + 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("saga 's-1' runs signup v1, which is no longer loaded; loaded: signup v2");
    }

    private static SagaRequest start(String sagaId) {
        return SagaRequest.newBuilder().setSagaId(sagaId).setBody(StartSaga.newBuilder().setSagaType("signup").build()).build();
    }

    private static StepReply succeeded(StepCommand command) {
        return StepReply.newBuilder().setCommandId(command.getCommandId()).setSagaId(command.getSagaId()).setStep(command.getStep())
                .setAction(command.getAction()).setAttempt(command.getAttempt()).setOutcome(StepOutcome.SUCCEEDED)
                .setRepliedAtMs(Instant.ofEpochMilli(NOW)).build();
    }
}
