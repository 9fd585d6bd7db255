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
 * Retriable steps (after the pivot) must not fail: a transient error or a timeout is retried with
 * backoff, ten attempts by default (or as configured, 0 for no limit), and a refusal makes the
 * saga STUCK at once, since retrying a business refusal only repeats it. A STUCK saga waits for an
 * operator's retry.
 */
@ExtendWith(WellFormedHistories.class)
class RetriableStepTest {

    /** The orchestrator's default longest backoff. */
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    @Test
    void retriesARetriableStepThatHadATransientError() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            passThePivot(kit, "c-1");
            kit.replyTo("c-1", "ship").retryableError("NO_COURIER", "none today");

            kit.assertThat("c-1").hasStatus(SagaStatus.RUNNING).compensatedNothing();
            assertThat(eventsOf(kit, "c-1", SagaEventKind.STEP_FAILED)).isEmpty();
            kit.advanceTime(FIRST_BACKOFF);
            assertThat(commandsTo(kit, "c-1", "ship")).extracting(SentCommand::attempt).containsExactly(1, 2);
        }
    }

    @Test
    void isStuckAtOnceWhenARetriableStepIsRefused() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            passThePivot(kit, "c-1");

            kit.replyTo("c-1", "ship").fail("ADDRESS_UNKNOWN", "no such street");

            kit.assertThat("c-1").isStuck().compensatedNothing();
            SagaEvent stuck = lastEventOf(kit, "c-1", SagaEventKind.STUCK);
            assertThat(stuck.getStep()).isEqualTo("ship");
            assertThat(stuck.getReason())
                    .isEqualTo("retriable step ship was refused (ADDRESS_UNKNOWN); a retriable step must not fail, so an operator decides");
            kit.advanceTime(DEFAULT_TIMEOUT.multipliedBy(10));
            assertThat(commandsTo(kit, "c-1", "ship")).as("a refused retriable step is not sent again by itself").hasSize(1);
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
    void retriesARetriableStepTenTimesByDefault() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            passThePivot(kit, "c-1");
            kit.replyTo("c-1", "ship").succeed();
            for (int attempt = 1; attempt <= 10; attempt++) {
                kit.replyTo("c-1", "notify").retryableError("SMTP_DOWN", "attempt " + attempt);
                kit.advanceTime(Duration.ofMinutes(1));
            }

            assertThat(commandsTo(kit, "c-1", "notify")).extracting(SentCommand::attempt).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
            kit.assertThat("c-1").isStuck().compensatedNothing();
            assertThat(lastEventOf(kit, "c-1", SagaEventKind.STUCK).getReason()).isEqualTo("retriable step notify gave up after 10 attempts: SMTP_DOWN");
        }
    }

    @Test
    void retriesARetriableStepWithoutLimitWhenConfiguredSo() {
        try (SagaTestKit kit = kit(settings -> settings.config(SagalineConfig.RETRIABLE_MAX_ATTEMPTS_CONFIG, 0), CHECKOUT)) {
            passThePivot(kit, "c-1");
            kit.replyTo("c-1", "ship").succeed();
            for (int attempt = 1; attempt <= 12; attempt++) {
                kit.replyTo("c-1", "notify").retryableError("SMTP_DOWN", "attempt " + attempt);
                kit.advanceTime(Duration.ofMillis(Math.min(FIRST_BACKOFF.toMillis() << (attempt - 1), MAX_BACKOFF.toMillis())));
            }
            kit.replyTo("c-1", "notify").succeed();

            assertThat(commandsTo(kit, "c-1", "notify")).hasSize(13);
            kit.assertThat("c-1").isCompleted().compensatedNothing();
        }
    }

    @Test
    void isStuckNamingTheStepWhenARetriableStepUsesUpItsMaximum() {
        try (SagaTestKit kit = kit(CHECKOUT)) {
            passThePivot(kit, "c-1");
            shipErrsThreeTimes(kit);

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
            shipErrsThreeTimes(kit);

            kit.retry("c-1", "courier found");
            kit.replyTo("c-1", "ship").retryableError("NO_COURIER", "one more");
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
            kit.replyTo("c-1", "notify").retryableError("SMTP_DOWN", "first");
            kit.advanceTime(FIRST_BACKOFF);
            kit.replyTo("c-1", "notify").retryableError("SMTP_DOWN", "second");

            kit.assertThat("c-1").isStuck();
            assertThat(lastEventOf(kit, "c-1", SagaEventKind.STUCK).getStep()).isEqualTo("notify");
        }
    }

    private static void passThePivot(SagaTestKit kit, String sagaId) {
        kit.start(sagaId, "checkout");
        kit.replyTo(sagaId, "reserve-stock").succeed();
        kit.replyTo(sagaId, "charge-payment").succeed();
    }

    private static void shipErrsThreeTimes(SagaTestKit kit) {
        kit.replyTo("c-1", "ship").retryableError("NO_COURIER", "none today");
        kit.advanceTime(FIRST_BACKOFF);
        kit.replyTo("c-1", "ship").retryableError("NO_COURIER", "none today");
        kit.advanceTime(FIRST_BACKOFF.multipliedBy(2));
        kit.replyTo("c-1", "ship").retryableError("NO_COURIER", "none today");
    }
}
