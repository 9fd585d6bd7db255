package dev.sagaline.orchestrator.runtime;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.FIRST_BACKOFF;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.ORDER;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.kit;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.commandsTo;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.lastEventOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.orchestrator.runtime.support.WellFormedHistories;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.orchestrator.testing.SentCommand;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A RETRYABLE_ERROR reply retries the step with backoff; when the attempts run out the step fails. */
@ExtendWith(WellFormedHistories.class)
class SagaRetryTest {

    private static final Duration SCAN = Duration.ofMillis(100);

    @Test
    void retriesARetryableErrorAsANewAttemptWithANewCommandId() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").retryableError("BUSY", "try later");
            kit.advanceTime(FIRST_BACKOFF);

            assertThat(commandsTo(kit, "o-1", "reserve-stock")).extracting(SentCommand::action, SentCommand::attempt)
                    .containsExactly(tuple(StepAction.DO, 1), tuple(StepAction.DO, 2));
            assertThat(commandsTo(kit, "o-1", "reserve-stock")).extracting(SentCommand::commandId).doesNotHaveDuplicates();
            assertThat(kit.state("o-1").getSteps().get(0).getCommandId()).isEqualTo(commandsTo(kit, "o-1", "reserve-stock").get(1).commandId());
        }
    }

    @Test
    void sendsTheRetryOnlyWhenTheBackoffHasPassed() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").retryableError("BUSY", "try later");

            kit.advanceTime(FIRST_BACKOFF.minus(SCAN));
            assertThat(kit.commands("o-1")).hasSize(1);

            kit.advanceTime(SCAN);
            assertThat(kit.commands("o-1")).hasSize(2);
            assertThat(lastEventOf(kit, "o-1", SagaEventKind.STEP_RETRY_SCHEDULED).getReason()).contains("attempt 2 in 1000 ms");
        }
    }

    @Test
    void doublesTheBackoffForEachFurtherAttempt() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").retryableError("BUSY", "try later");
            kit.advanceTime(FIRST_BACKOFF);
            kit.replyTo("o-1", "reserve-stock").retryableError("BUSY", "try later");

            kit.advanceTime(FIRST_BACKOFF.multipliedBy(2).minus(SCAN));
            assertThat(kit.commands("o-1")).hasSize(2);

            kit.advanceTime(SCAN);
            assertThat(kit.commands("o-1")).extracting(SentCommand::attempt).containsExactly(1, 2, 3);
        }
    }

    @Test
    void shortensTheBackoffByAtMostTheJitter() {
        try (SagaTestKit kit = kit(settings -> settings.config(SagalineConfig.RETRY_JITTER_CONFIG, 0.2), ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").retryableError("BUSY", "try later");

            kit.advanceTime(Duration.ofMillis(700));
            assertThat(kit.commands("o-1")).hasSize(1);

            kit.advanceTime(Duration.ofMillis(300));
            assertThat(kit.commands("o-1")).hasSize(2);
            String reason = lastEventOf(kit, "o-1", SagaEventKind.STEP_RETRY_SCHEDULED).getReason();
            long waitMs = Long.parseLong(reason.replaceAll(".* in (\\d+) ms$", "$1"));
            assertThat(waitMs).isBetween(800L, 1000L);
        }
    }

    @Test
    void failsTheStepWhenRetryableErrorsUseUpItsAttempts() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").retryableError("BUSY", "try later");
            kit.advanceTime(FIRST_BACKOFF);
            kit.replyTo("o-1", "reserve-stock").retryableError("BUSY", "try later");
            kit.advanceTime(FIRST_BACKOFF.multipliedBy(2));
            kit.replyTo("o-1", "reserve-stock").retryableError("BUSY", "still busy");

            assertThat(lastEventOf(kit, "o-1", SagaEventKind.STEP_FAILED).getReason()).contains("no attempts left after 3");
            assertThat(lastEventOf(kit, "o-1", SagaEventKind.STEP_FAILED).getErrorCode()).isEqualTo("BUSY");
            kit.assertThat("o-1").hasStatus(SagaStatus.COMPENSATING);
            assertThat(commandsTo(kit, "o-1", "reserve-stock")).extracting(SentCommand::action, SentCommand::attempt)
                    .containsExactly(tuple(StepAction.DO, 1), tuple(StepAction.DO, 2), tuple(StepAction.DO, 3), tuple(StepAction.COMPENSATE, 1));
        }
    }

    @Test
    void takesTheNumberOfAttemptsFromTheConfiguration() {
        try (SagaTestKit kit = kit(settings -> settings.config(SagalineConfig.STEP_MAX_ATTEMPTS_CONFIG, 1), ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").retryableError("BUSY", "try later");

            kit.assertThat("o-1").hasStatus(SagaStatus.COMPENSATING);
            assertThat(lastEventOf(kit, "o-1", SagaEventKind.STEP_FAILED).getReason()).contains("no attempts left after 1");
        }
    }
}
