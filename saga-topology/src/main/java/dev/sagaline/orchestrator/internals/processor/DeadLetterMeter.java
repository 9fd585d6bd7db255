package dev.sagaline.orchestrator.internals.processor;

import dev.sagaline.protocol.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;

/**
 * Counts the records the orchestrator's exception handlers send to the dead-letter topic, by
 * reason and source topic ({@code sagaline.dead.letters}). Kafka Streams makes the handlers from
 * their class names, so the registry reaches them through the streams configuration, under
 * {@link #REGISTRY_CONFIG}; without one nothing is counted.
 */
public final class DeadLetterMeter {

    /** The streams configuration entry holding the {@link MeterRegistry}, put there by the topology's properties. */
    public static final String REGISTRY_CONFIG = "sagaline.internal.meter.registry";

    private final MeterRegistry registry;

    private DeadLetterMeter(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The meter for the registry {@code configs} carries, if any. */
    static DeadLetterMeter from(Map<String, ?> configs) {
        Object registry = configs.get(REGISTRY_CONFIG);
        return new DeadLetterMeter(registry instanceof MeterRegistry meters ? meters : null);
    }

    /** Counts one dead letter from {@code topic}, tagged with the reason's {@link DeadLetterReason#tag()}. */
    void count(DeadLetterReason reason, String topic) {
        if (registry != null) {
            Counter.builder("sagaline.dead.letters").description("Records sent to the dead-letter topic, by reason and source topic")
                    .tag("reason", reason.tag()).tag("topic", topic == null ? "unknown" : topic).register(registry).increment();
        }
    }
}
