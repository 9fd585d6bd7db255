package dev.sagaline.orchestrator.runtime;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.ORDER;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.kit;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.eventsOf;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.kinds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.orchestrator.runtime.support.WellFormedHistories;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Finished sagas stay queryable for the configured retention; then their details leave the store
 * but their id and outcome stay for the duplicate-start window, so a duplicate start or a late
 * reply is still recognised. STUCK sagas wait.
 */
@ExtendWith(WellFormedHistories.class)
class SagaPurgeTest {

    private static final Duration RETENTION = Duration.ofMinutes(1);
    private static final Duration SCAN = Duration.ofMillis(100);

    @Test
    void keepsACompletedSagaQueryableUntilItsRetentionEnds() {
        try (SagaTestKit kit = kit(retention(RETENTION), ORDER)) {
            complete(kit, "o-1");

            kit.advanceTime(RETENTION.minus(SCAN));

            kit.assertThat("o-1").isCompleted();
            assertThat(eventsOf(kit, "o-1", SagaEventKind.PURGED)).isEmpty();
        }
    }

    @Test
    void purgesTheDetailsOfACompletedSagaWhenItsRetentionEndsButKeepsItsIdAndOutcome() {
        try (SagaTestKit kit = kit(retention(RETENTION), ORDER)) {
            complete(kit, "o-1");

            kit.advanceTime(RETENTION);

            SagaState compacted = kit.state("o-1");
            assertThat(compacted.getCompacted()).isTrue();
            assertThat(compacted.getStatus()).isEqualTo(SagaStatus.COMPLETED);
            assertThat(compacted.getSteps()).isEmpty();
            assertThat(compacted.getInput()).isNull();
            List<SagaEvent> events = kit.events("o-1");
            SagaEvent purged = events.get(events.size() - 1);
            assertThat(purged.getKind()).isEqualTo(SagaEventKind.PURGED);
            assertThat(purged.getFromStatus()).isEqualTo(SagaStatus.COMPLETED);
        }
    }

    @Test
    void purgesACompensatedSagaWhenItsRetentionEnds() {
        try (SagaTestKit kit = kit(retention(RETENTION), ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").fail("OUT_OF_STOCK", "none left");
            kit.replyTo("o-1", "reserve-stock").succeed();
            kit.assertThat("o-1").isCompensated();

            kit.advanceTime(RETENTION);

            assertThat(kit.state("o-1").getCompacted()).isTrue();
            assertThat(kit.state("o-1").getStatus()).isEqualTo(SagaStatus.COMPENSATED);
            assertThat(kinds(kit, "o-1")).endsWith(SagaEventKind.COMPENSATED, SagaEventKind.PURGED);
        }
    }

    @Test
    void keepsFinishedSagasForOneDayByDefault() {
        Duration scan = Duration.ofSeconds(30);
        try (SagaTestKit kit = kit(settings -> settings.config(SagalineConfig.TIMER_SCAN_INTERVAL_MS_CONFIG, scan.toMillis()), ORDER)) {
            complete(kit, "o-1");

            kit.advanceTime(Duration.ofDays(1).minus(scan));
            kit.assertThat("o-1").isCompleted();

            kit.advanceTime(scan);
            assertThat(kit.state("o-1").getCompacted()).isTrue();
        }
    }

    @Test
    void ignoresADuplicateStartAfterThePurgeInsteadOfRunningTheSagaAgain() {
        try (SagaTestKit kit = kit(retention(RETENTION), ORDER)) {
            complete(kit, "o-1");
            kit.advanceTime(RETENTION);
            int sent = kit.commands("o-1").size();

            kit.start("o-1", "order");

            assertThat(kinds(kit, "o-1")).last().isEqualTo(SagaEventKind.DUPLICATE_START_IGNORED);
            assertThat(kit.commands("o-1")).hasSize(sent);
            kit.assertThat("o-1").isCompleted();
        }
    }

    @Test
    void ignoresALateReplyAfterThePurge() {
        try (SagaTestKit kit = kit(retention(RETENTION), ORDER)) {
            complete(kit, "o-1");
            kit.advanceTime(RETENTION);

            kit.replyTo(kit.commands("o-1").get(0)).succeed();

            assertThat(kinds(kit, "o-1")).last().isEqualTo(SagaEventKind.LATE_REPLY_IGNORED);
            assertThat(kit.deadLetters()).isEmpty();
        }
    }

    @Test
    void forgetsAFinishedSagaIdOnceTheDuplicateStartWindowEnds() {
        Duration window = Duration.ofMinutes(5);
        try (SagaTestKit kit = kit(retention(RETENTION).andThen(settings -> settings
                .config(SagalineConfig.FINISHED_IDS_RETENTION_MS_CONFIG, window.toMillis())), ORDER)) {
            complete(kit, "o-1");
            kit.advanceTime(window.minus(SCAN));
            assertThat(kit.state("o-1")).isNotNull();

            kit.advanceTime(SCAN);

            assertThat(kit.state("o-1")).isNull();
        }
    }

    @Test
    void keepsFinishedSagaIdsForSevenDaysByDefault() {
        Duration scan = Duration.ofSeconds(30);
        try (SagaTestKit kit = kit(settings -> settings.config(SagalineConfig.TIMER_SCAN_INTERVAL_MS_CONFIG, scan.toMillis()), ORDER)) {
            complete(kit, "o-1");

            kit.advanceTime(Duration.ofDays(7).minus(scan));
            assertThat(kit.state("o-1")).isNotNull();

            kit.advanceTime(scan);
            assertThat(kit.state("o-1")).isNull();
        }
    }

    @Test
    void keepsAStuckSagaWaitingForAnOperatorBeyondTheRetention() {
        try (SagaTestKit kit = kit(retention(RETENTION).andThen(settings -> settings.config(SagalineConfig.UNDO_MAX_ATTEMPTS_CONFIG, 1)), ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").fail("OUT_OF_STOCK", "none left");
            kit.replyTo("o-1", "reserve-stock").fail("DB_DOWN", "cannot release");
            kit.assertThat("o-1").isStuck();
            int sent = kit.commands("o-1").size();
            int logged = kit.events("o-1").size();

            kit.advanceTime(RETENTION.multipliedBy(10));

            kit.assertThat("o-1").isStuck();
            assertThat(kit.commands("o-1")).hasSize(sent);
            assertThat(kit.events("o-1")).hasSize(logged);
        }
    }

    private static Consumer<SagaTestKit.Builder> retention(Duration retention) {
        return settings -> settings.config(SagalineConfig.FINISHED_RETENTION_MS_CONFIG, retention.toMillis());
    }

    private static void complete(SagaTestKit kit, String sagaId) {
        kit.start(sagaId, "order");
        kit.replyTo(sagaId, "reserve-stock").succeed();
        kit.replyTo(sagaId, "charge-payment").succeed();
        kit.replyTo(sagaId, "ship").succeed();
        kit.assertThat(sagaId).isCompleted();
    }
}
