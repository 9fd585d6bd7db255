package dev.sagaline.orchestrator.runtime.support;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit-log check every rule test relies on finds what it is meant to find. */
class SagaHistoryTest {

    @Test
    void acceptsAWellFormedLog() {
        assertThatCode(() -> SagaHistory.assertWellFormed("s", List.of(
                event(1, SagaEventKind.STARTED, null, SagaStatus.RUNNING),
                event(2, SagaEventKind.STEP_SUCCEEDED, SagaStatus.RUNNING, SagaStatus.RUNNING),
                event(3, SagaEventKind.COMPLETED, SagaStatus.RUNNING, SagaStatus.COMPLETED),
                event(4, SagaEventKind.PURGED, SagaStatus.COMPLETED, SagaStatus.COMPLETED)), List.of()))
                .doesNotThrowAnyException();
    }

    @Test
    void findsAGapInTheSequence() {
        assertThatThrownBy(() -> SagaHistory.assertWellFormed("s", List.of(
                event(1, SagaEventKind.STARTED, null, SagaStatus.RUNNING),
                event(3, SagaEventKind.STEP_SUCCEEDED, SagaStatus.RUNNING, SagaStatus.RUNNING)), List.of()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("event 2 (STEP_SUCCEEDED) has sequence 3; expected 2");
    }

    @Test
    void findsAnEventThatDoesNotStartWhereThePreviousOneLeft() {
        assertThatThrownBy(() -> SagaHistory.assertWellFormed("s", List.of(
                event(1, SagaEventKind.STARTED, null, SagaStatus.RUNNING),
                event(2, SagaEventKind.COMPENSATED, SagaStatus.COMPENSATING, SagaStatus.COMPENSATED)), List.of()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("starts from COMPENSATING but the saga was RUNNING");
    }

    @Test
    void findsAStatusChangeThatIsNoRowOfTheTable() {
        assertThatThrownBy(() -> SagaHistory.assertWellFormed("s", List.of(
                event(1, SagaEventKind.STARTED, null, SagaStatus.RUNNING),
                event(2, SagaEventKind.STEP_FAILED, SagaStatus.RUNNING, SagaStatus.COMPENSATED)), List.of()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("changes RUNNING -> COMPENSATED, which is no row of the rules table");
    }

    @Test
    void findsACommandedEventWithoutItsCommand() {
        SagaEvent commanded = event(2, SagaEventKind.STEP_COMMANDED, SagaStatus.RUNNING, SagaStatus.RUNNING);
        commanded.setCommandId("s/a/DO/1");

        assertThatThrownBy(() -> SagaHistory.assertWellFormed("s", List.of(event(1, SagaEventKind.STARTED, null, SagaStatus.RUNNING), commanded), List.of()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("STEP_COMMANDED and STEP_RESENT events name commands [s/a/DO/1] but the saga sent []");
    }

    private static SagaEvent event(long sequence, SagaEventKind kind, SagaStatus from, SagaStatus to) {
        return SagaEvent.newBuilder().setSagaId("s").setSagaType("t").setSequence(sequence).setKind(kind)
                .setFromStatus(from).setToStatus(to).setTimestampMs(Instant.EPOCH).build();
    }
}
