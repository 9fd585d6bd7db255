package dev.sagaline.orchestrator.internals.processor;

import dev.sagaline.protocol.v1.SagaEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The orchestrator's own meters, fed from the audit events it writes (so a metric and the audit
 * log never disagree): sagas started, completed, compensated and stuck per type, step outcomes
 * and step latency (from a command to its outcome: reply or timeout) per type and step, and how
 * late due timers fire. Meters are kept here once looked up: building a meter's name and tags and
 * finding it in the registry on every event showed in the profile of the saga phase.
 * The time each outstanding command was sent is kept in memory only: a command sent before a
 * restart or a rebalance has no latency recorded, which a metric can afford.
 */
public final class SagaMetrics {

    /** Commands whose outcome is awaited, at most; beyond, the oldest are forgotten rather than let memory grow. */
    private static final int MAX_OUTSTANDING = 200_000;

    private final MeterRegistry registry;
    private final Timer timerLag;
    private final Map<String, Long> commandedAtMs = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> stepLatencies = new ConcurrentHashMap<>();

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
            case STUCK -> {
                saga("stuck", type);
                stepEnded(event);
            }
            case STEP_COMMANDED -> {
                if (commandedAtMs.size() >= MAX_OUTSTANDING) {
                    commandedAtMs.clear();
                }
                commandedAtMs.put(outstanding(event), event.getTimestampMs().toEpochMilli());
            }
            case STEP_SUCCEEDED, STEP_FAILED, STEP_TIMED_OUT, STEP_UNDONE, STEP_CONFIRMED, STEP_RETRY_SCHEDULED -> {
                stepEnded(event);
                String step = String.valueOf(event.getStep());
                counters.computeIfAbsent(type + '\u0000' + step + '\u0000' + event.getKind(), k -> Counter.builder("sagaline.steps")
                            .description("Step outcomes seen by the orchestrator, by saga type, step and outcome")
                            .tag("type", type).tag("step", step)
                            .tag("outcome", event.getKind().name().substring("STEP_".length()).toLowerCase(Locale.ROOT))
                            .register(registry)).increment();
            }
            default -> {
            }
        }
    }

    /** Records the latency of the step's outstanding command, when its sending was seen. */
    private void stepEnded(SagaEvent event) {
        Long commanded = event.getStep() == null ? null : commandedAtMs.remove(outstanding(event));
        if (commanded != null) {
            stepLatencies.computeIfAbsent(event.getSagaType() + '\u0000' + event.getStep(), k -> Timer.builder("sagaline.step.latency")
                    .description("Time from a step's command to its outcome (reply or timeout), by saga type and step")
                    .tag("type", event.getSagaType()).tag("step", event.getStep()).publishPercentileHistogram().register(registry))
                    .record(Duration.ofMillis(Math.max(0, event.getTimestampMs().toEpochMilli() - commanded)));
        }
    }

    /** One step of one saga has at most one command outstanding, so saga and step name it. */
    private static String outstanding(SagaEvent event) {
        return event.getSagaId() + '\u0000' + event.getStep();
    }

    /** Notes that a timer due {@code lateMs} ago fired now. */
    void timerFired(long lateMs) {
        timerLag.record(Duration.ofMillis(Math.max(0, lateMs)));
    }

    private void saga(String what, String type) {
        counters.computeIfAbsent(what + '\u0000' + type, k -> Counter.builder("sagaline.sagas." + what)
                .description("Sagas " + what + ", by saga type").tag("type", type).register(registry)).increment();
    }
}
