package dev.sagaline.participant;

import dev.sagaline.protocol.v1.StepOutcome;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * Handlers that each run in an OpenTelemetry span, a child of the saga's trace: the orchestrator
 * carries the start request's W3C {@code traceparent} onto every command (in
 * {@link StepContext#metadata()}), and the span continues it, so one trace shows the saga's
 * steps across services. The dependency on OpenTelemetry is optional: only a service that uses
 * this class needs {@code opentelemetry-api}.
 *
 * <pre>{@code
 * ParticipantHandlers handlers = ParticipantHandlers.builder().onDo("reserve-stock", Order.class, inventory).build();
 * Participant participant = Participant.builder()...handlers(TracedHandlers.of(handlers, openTelemetry)).build();
 * }</pre>
 */
public final class TracedHandlers {

    /** The metadata key, and record header, of the W3C trace context. */
    public static final String TRACEPARENT = "traceparent";

    private static final TextMapGetter<Map<String, String>> METADATA = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private TracedHandlers() {
    }

    /**
     * {@code handlers}, each call in a span named {@code "<step> <action>"} with the saga id,
     * type, step, action, attempt and command id as attributes; a failed or retryable outcome, or
     * an exception, marks the span as an error.
     */
    public static ParticipantHandlers of(ParticipantHandlers handlers, OpenTelemetry openTelemetry) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        Tracer tracer = openTelemetry.getTracer("dev.sagaline.participant");
        return handlers.around((handler, input, context) -> traced(openTelemetry, tracer, handler, input, context));
    }

    private static StepResult traced(OpenTelemetry openTelemetry, Tracer tracer, RegisteredHandler handler, SpecificRecord input,
                                     StepContext context) throws Exception {
        Context parent = openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), context.metadata(), METADATA);
        Span span = tracer.spanBuilder(handler.step() + " " + handler.action()).setParent(parent).setSpanKind(SpanKind.CONSUMER)
                .setAttribute("sagaline.saga.id", context.sagaId())
                .setAttribute("sagaline.saga.type", String.valueOf(context.sagaType()))
                .setAttribute("sagaline.step", handler.step())
                .setAttribute("sagaline.action", handler.action().name())
                .setAttribute("sagaline.attempt", context.attempt())
                .setAttribute("sagaline.command.id", context.commandId())
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            StepResult result = handler.invoke(input, context);
            if (result != null && result.outcome() != StepOutcome.SUCCEEDED) {
                span.setStatus(StatusCode.ERROR, result.errorCode());
            }
            return result;
        } catch (Exception e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }
}
