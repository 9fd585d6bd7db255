package dev.sagaline.orchestrator.runtime;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.CHECKOUT;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.DEFAULT_TIMEOUT;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.FIRST_BACKOFF;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.kit;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.commandsTo;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.eventsOf;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.lastEventOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.orchestrator.runtime.support.WellFormedHistories;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.orchestrator.testing.SentCommand;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Retriable steps (after the pivot) are retried with backoff until they succeed, whatever the
 * reply; with a maximum of attempts the saga is STUCK when it is used up, until an operator retries.
 */
@ExtendWith(WellFormedHistories.class)
class RetriableStepTest {

    @Test
    void retriesARetriableStepThatFailed() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            passThePivot(kit, "c-1");
            kit.replyTo("c-1", "ship").fail("NO_COURIER", "none today");

            kit.assertThat("c-1").hasStatus(SagaStatus.RUNNING).compensatedNothing();
            assertThat(eventsOf(kit, "c-1", SagaEventKind.STEP_FAILED)).isEmpty();
            kit.advanceTime(FIRST_BACKOFF);
            assertThat(commandsTo(kit, "c-1", "ship")).extracting(SentCommand::attempt).containsExactly(1, 2);
        }
    }

    @Test
    void retriesARetriableStepThatTimedOut() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            passThePivot(kit, "c-1");

            kit.advanceTime(DEFAULT_TIMEOUT.plus(FIRST_BACKOFF));

            assertThat(commandsTo(kit, "c-1", "ship")).extracting(SentCommand::attempt).containsExactly(1, 2);
        }
    }

    @Test
    void retriesARetriableStepWithoutLimitUntilItSucceeds() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            passThePivot(kit, "c-1");
            kit.replyTo("c-1", "ship").succeed();
            for (int attempt = 1; attempt <= 6; attempt++) {
                kit.replyTo("c-1", "notify").fail("SMTP_DOWN", "attempt " + attempt);
                kit.advanceTime(Duration.ofMillis(FIRST_BACKOFF.toMillis() << (attempt - 1)));
            }
            kit.replyTo("c-1", "notify").succeed();

            assertThat(commandsTo(kit, "c-1", "notify")).extracting(SentCommand::attempt).containsExactly(1, 2, 3, 4, 5, 6, 7);
            kit.assertThat("c-1").isCompleted().compensatedNothing();
        }
    }

    @Test
    void isStuckNamingTheStepWhenARetriableStepUsesUpItsMaximum() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            passThePivot(kit, "c-1");
            failShipThreeTimes(kit);

            kit.assertThat("c-1").isStuck().compensatedNothing().hasNoPendingCommands();
            SagaEvent stuck = lastEventOf(kit, "c-1", SagaEventKind.STUCK);
            assertThat(stuck.getFromStatus()).isEqualTo(SagaStatus.RUNNING);
            assertThat(stuck.getStep()).isEqualTo("ship");
            assertThat(stuck.getErrorCode()).isEqualTo("NO_COURIER");
            assertThat(stuck.getReason()).isEqualTo("retriable step ship gave up after 3 attempts: NO_COURIER");
        }
    }

    @Test
    void resumesAStuckRetriableStepWithAFreshBudgetWhenAnOperatorRetries() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            passThePivot(kit, "c-1");
            failShipThreeTimes(kit);

            kit.retry("c-1", "courier found");
            kit.replyTo("c-1", "ship").fail("NO_COURIER", "one more");
            kit.assertThat("c-1").hasStatus(SagaStatus.RUNNING);
            kit.advanceTime(FIRST_BACKOFF);
            kit.replyTo("c-1", "ship").succeed();
            kit.replyTo("c-1", "notify").succeed();

            assertThat(commandsTo(kit, "c-1", "ship")).extracting(SentCommand::attempt).containsExactly(1, 2, 3, 4, 5);
            kit.assertThat("c-1").isCompleted().compensatedNothing();
        }
    }

    @Test
    void takesTheRetriableMaximumFromTheConfiguration() {
        try (SagaTestKit kit = kit(settings -> settings.config(SagalineConfig.RETRIABLE_MAX_ATTEMPTS_CONFIG, 2), CHECKOUT)) {
            passThePivot(kit, "c-1");
            kit.replyTo("c-1", "ship").succeed();
            kit.replyTo("c-1", "notify").fail("SMTP_DOWN", "first");
            kit.advanceTime(FIRST_BACKOFF);
            kit.replyTo("c-1", "notify").fail("SMTP_DOWN", "second");

            kit.assertThat("c-1").isStuck();
            assertThat(lastEventOf(kit, "c-1", SagaEventKind.STUCK).getStep()).isEqualTo("notify");
        }
    }

    private static void passThePivot(SagaTestKit kit, String sagaId) {
        kit.start(sagaId, "checkout");
        kit.replyTo(sagaId, "reserve-stock").succeed();
        kit.replyTo(sagaId, "charge-payment").succeed();
    }

    private static void failShipThreeTimes(SagaTestKit kit) {
        kit.replyTo("c-1", "ship").fail("NO_COURIER", "none today");
        kit.advanceTime(FIRST_BACKOFF);
        kit.replyTo("c-1", "ship").fail("NO_COURIER", "none today");
        kit.advanceTime(FIRST_BACKOFF.multipliedBy(2));
        kit.replyTo("c-1", "ship").fail("NO_COURIER", "none today");
    }
}
