package dev.sagaline.orchestrator.internals.processor;

import dev.sagaline.protocol.v1.SagaEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;

/**
 * The orchestrator's own meters, fed from the audit events it writes (so a metric and the audit
 * log never disagree): sagas started, completed, compensated and stuck per type, step outcomes
 * per type and step, and how late due timers fire. Meters are looked up per event; Micrometer
 * caches them by name and tags.
 */
public final class SagaMetrics {

    private final MeterRegistry registry;
    private final Timer timerLag;

    public SagaMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.timerLag = Timer.builder("sagaline.timer.lag")
                .description("How late due timers (timeouts, retries, deadlines, purges) fire after their due time")
                .publishPercentileHistogram()
                .register(registry);
    }

    /** Counts what {@code event} says happened. */
    void event(SagaEvent event) {
        String type = event.getSagaType();
        switch (event.getKind()) {
            case STARTED -> saga("started", type);
            case COMPLETED -> saga("completed", type);
            case COMPENSATED -> saga("compensated", type);
            case STUCK -> saga("stuck", type);
            case STEP_SUCCEEDED, STEP_FAILED, STEP_TIMED_OUT, STEP_UNDONE, STEP_CONFIRMED, STEP_RETRY_SCHEDULED ->
                    Counter.builder("sagaline.steps")
                            .description("Step outcomes seen by the orchestrator, by saga type, step and outcome")
                            .tag("type", type).tag("step", String.valueOf(event.getStep()))
                            .tag("outcome", event.getKind().name().substring("STEP_".length()).toLowerCase(Locale.ROOT))
                            .register(registry).increment();
            default -> {
            }
        }
    }

    /** Notes that a timer due {@code lateMs} ago fired now. */
    void timerFired(long lateMs) {
        timerLag.record(Duration.ofMillis(Math.max(0, lateMs)));
    }

    private void saga(String what, String type) {
        Counter.builder("sagaline.sagas." + what).description("Sagas " + what + ", by saga type").tag("type", type)
                .register(registry).increment();
    }
}
