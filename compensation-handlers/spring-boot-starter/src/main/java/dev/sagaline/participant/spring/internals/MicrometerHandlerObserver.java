package dev.sagaline.participant.spring.internals;

import dev.sagaline.participant.BusinessFailureException;
import dev.sagaline.participant.StepResult;
import dev.sagaline.protocol.v1.StepAction;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The participant's metrics in the application's Micrometer registry: a timer
 * {@code sagaline.participant.handler} per step, action and outcome (the reply's outcome,
 * {@code FAILED} for a {@code BusinessFailureException}, {@code RETRYABLE_ERROR} for any other
 * exception, as the reply says), and Kafka Streams' own client metrics under {@code kafka.*}.
 */
public final class MicrometerHandlerObserver implements HandlerObserver {

    /** The name of the handler timer. */
    public static final String HANDLER_TIMER = "sagaline.participant.handler";

    private final MeterRegistry registry;
    private volatile KafkaStreamsMetrics streamsMetrics;

    public MicrometerHandlerObserver(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public StepResult observe(String step, StepAction action, Call call) throws Exception {
        Timer.Sample sample = Timer.start(registry);
        String outcome = "RETRYABLE_ERROR";
        try {
            StepResult result = call.run();
            outcome = result.outcome().name();
            return result;
        } catch (BusinessFailureException refused) {
            outcome = "FAILED";
            throw refused;
        } finally {
            sample.stop(Timer.builder(HANDLER_TIMER)
                    .description("Calls of a participant's step handlers, by step, action and outcome")
                    .tag("step", step).tag("action", action.name()).tag("outcome", outcome)
                    .register(registry));
        }
    }

    @Override
    public void started(KafkaStreams streams) {
        KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams);
        metrics.bindTo(registry);
        streamsMetrics = metrics;
    }

    @Override
    public void stopped() {
        KafkaStreamsMetrics metrics = streamsMetrics;
        if (metrics != null) {
            metrics.close();
            streamsMetrics = null;
        }
    }
}
