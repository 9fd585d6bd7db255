package dev.sagaline.participant;

import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVE_STOCK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.participant.example.ReserveStock;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Traced handlers run each call in a span that continues the saga's trace from the command's traceparent. */
class TracedHandlersTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN = "00f067aa0ba902b7";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    private final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder().setTracerProvider(tracing)
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
    private final RecordingHandlers inventory = new RecordingHandlers();
    private final Payloads payloads = Payloads.withRegistry(new InMemorySchemaRegistry());
    private final CommandDispatcher dispatcher = CommandDispatcher.create(TracedHandlers.of(inventory.handlers(), openTelemetry), payloads,
            ProcessedCommandStore.inMemory(), Clock.fixed(NOW, ZoneOffset.UTC));

    @AfterEach
    void closeTracing() {
        openTelemetry.close();
    }

    @Test
    void continuesTheSagasTraceInASpanPerHandlerCall() {
        dispatcher.handle(command("c-1", "saga-1", "00-" + TRACE_ID + "-" + PARENT_SPAN + "-01"));

        assertThat(spans.getFinishedSpanItems()).singleElement().satisfies(span -> {
            assertThat(span.getName()).isEqualTo(RESERVE_STOCK + " DO");
            assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
            assertThat(span.getParentSpanId()).isEqualTo(PARENT_SPAN);
            assertThat(span.getAttributes().asMap()).containsValues("saga-1", "c-1", RESERVE_STOCK);
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        });
    }

    @Test
    void marksARefusedStepAsAnError() {
        inventory.answer(StepAction.DO, StepResult.failed("OUT_OF_STOCK", "none left"));

        dispatcher.handle(command("c-1", "saga-1", "00-" + TRACE_ID + "-" + PARENT_SPAN + "-01"));

        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getStatus().getDescription()).isEqualTo("OUT_OF_STOCK");
    }

    @Test
    void startsATraceOfItsOwnWhenTheSagaHasNone() {
        dispatcher.handle(command("c-1", "saga-1", null));

        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getTraceId()).isNotEqualTo(TRACE_ID).hasSize(32);
        assertThat(span.getParentSpanContext().isValid()).isFalse();
    }

    private StepCommand command(String id, String sagaId, String traceparent) {
        Map<String, String> metadata = new HashMap<>();
        if (traceparent != null) {
            metadata.put(TracedHandlers.TRACEPARENT, traceparent);
        }
        return StepCommand.newBuilder().setCommandId(id).setSagaId(sagaId).setSagaType("checkout").setStep(RESERVE_STOCK)
                .setAction(StepAction.DO).setAttempt(1).setInput(payloads.encode(new ReserveStock(sagaId, "sku-42", 2)))
                .setReplyTopic("checkout.replies").setIssuedAtMs(NOW).setMetadata(metadata).build();
    }
}
