package dev.sagaline.app.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * What a demo run saw: how the sagas ended, how fast, and every saga that did not end as the
 * {@link DemoPlan} expected.
 *
 * @param sagas sagas started
 * @param completed sagas that completed
 * @param compensated sagas that were compensated
 * @param stuck sagas that are stuck
 * @param unfinished sagas that had not ended when the run gave up waiting
 * @param elapsed from the first start request to the last terminal event
 * @param latencyMicros start-to-end latencies
 * @param problems sagas that ended otherwise than expected, or whose services disagree with the outcome
 */
public record DemoReport(int sagas, long completed, long compensated, long stuck, long unfinished, Duration elapsed,
                         Histogram latencyMicros, List<String> problems) {

    /** True when every saga ended as expected. */
    public boolean passed() {
        return unfinished == 0 && stuck == 0 && problems.isEmpty();
    }

    /** Sagas finished per second. */
    public double throughput() {
        return (completed + compensated + stuck) / Math.max(0.001, elapsed.toMillis() / 1000.0);
    }

    /** Prints the summary. */
    public void print(PrintStream out) {
        out.println();
        out.printf("Sagas started      %8d%n", sagas);
        out.printf("  completed        %8d%n", completed);
        out.printf("  compensated      %8d%n", compensated);
        out.printf("  stuck            %8d%n", stuck);
        out.printf("  unfinished       %8d%n", unfinished);
        out.printf("Elapsed            %8.1f s%n", elapsed.toMillis() / 1000.0);
        out.printf("Throughput         %8.0f sagas/s%n", throughput());
        out.printf("Latency p50        %8.1f ms%n", latencyMicros.getValueAtPercentile(50) / 1000.0);
        out.printf("Latency p99        %8.1f ms%n", latencyMicros.getValueAtPercentile(99) / 1000.0);
        out.printf("Latency max        %8.1f ms%n", latencyMicros.getMaxValue() / 1000.0);
        if (problems.isEmpty()) {
            out.println("Every saga ended as expected; every compensated order released its stock reservation.");
        } else {
            out.printf("%d problems, the first of them:%n", problems.size());
            problems.stream().limit(20).forEach(p -> out.println("  " + p));
        }
    }
}
