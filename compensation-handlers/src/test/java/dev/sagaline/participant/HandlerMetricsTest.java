package dev.sagaline.participant;

import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVE_STOCK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.participant.example.ReserveStock;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Handlers measured in a meter registry report each call's latency under its step, action and outcome. */
class HandlerMetricsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RecordingHandlers inventory = new RecordingHandlers();
    private final Payloads payloads = Payloads.withRegistry(new InMemorySchemaRegistry());

    @Test
    void timesEveryCallByStepActionAndOutcome() {
        CommandDispatcher dispatcher = CommandDispatcher.create(inventory.handlers().measuredIn(meters), payloads,
                ProcessedCommandStore.inMemory(), Clock.fixed(NOW, ZoneOffset.UTC));

        dispatcher.handle(command("c-1", "saga-1"));
        dispatcher.handle(command("c-2", "saga-2"));
        inventory.answer(StepAction.DO, StepResult.retryable("DB_DOWN", "the database is down"));
        dispatcher.handle(command("c-3", "saga-3"));
        inventory.whenCalled(StepAction.DO, (input, context) -> {
            throw new BusinessFailureException("OUT_OF_STOCK", "none left");
        });
        dispatcher.handle(command("c-4", "saga-4"));

        assertThat(timer("succeeded").count()).isEqualTo(2);
        assertThat(timer("retryable_error").count()).isEqualTo(1);
        assertThat(timer("failed").count()).isEqualTo(1);
        assertThat(timer("succeeded").totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
    }

    @Test
    void leavesUnmeasuredHandlersWithoutMeters() {
        CommandDispatcher dispatcher = CommandDispatcher.create(inventory.handlers(), payloads,
                ProcessedCommandStore.inMemory(), Clock.fixed(NOW, ZoneOffset.UTC));

        dispatcher.handle(command("c-1", "saga-1"));

        assertThat(meters.getMeters()).isEmpty();
    }

    private Timer timer(String outcome) {
        return meters.get("sagaline.participant.handler").tag("step", RESERVE_STOCK).tag("action", "DO").tag("outcome", outcome).timer();
    }

    private StepCommand command(String id, String sagaId) {
        return StepCommand.newBuilder().setCommandId(id).setSagaId(sagaId).setSagaType("checkout").setStep(RESERVE_STOCK)
                .setAction(StepAction.DO).setAttempt(1).setInput(payloads.encode(new ReserveStock(sagaId, "sku-42", 2)))
                .setReplyTopic("checkout.replies").setIssuedAtMs(NOW).setMetadata(Map.of()).build();
    }
}
