package dev.sagaline.app.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one {@code bench --patterns} run, with the settings they were measured under:
 * printed as a table and written as {@code patterns.md}, the article's comparison of the five
 * patterns with the measured columns beside what each guarantees.
 */
public record PatternReport(Map<String, Object> settings, List<PatternBench.Figures> figures) {

    public void print(PrintStream out) {
        out.println();
        settings.forEach((k, v) -> out.printf("  %-34s %s%n", k, v));
        out.printf("  %-40s %12s %10s %10s%n", "pattern", "steps/s", "p50 ms", "p99 ms");
        figures.forEach(f -> out.printf("  %-40s %12.0f %10.1f %10.1f%n", f.pattern(), f.stepsPerSecond(), f.p50Ms(), f.p99Ms()));
    }

    /** Writes {@code patterns.md} into {@code dir}. */
    public void write(Path dir, String when) {
        StringBuilder md = new StringBuilder();
        md.append("# Five ways to run a saga step, measured\n\n");
        md.append("Written by `java -jar app/target/sagaline.jar bench --patterns` on ").append(when)
                .append(". Every figure was measured in that one run, with the five patterns one after another on the same"
                        + " embedded broker, embedded PostgreSQL and machine. A step is timed from its first command to its"
                        + " last reply as the orchestrator would see them (TCC: TRY, then CONFIRM once TRY is answered);"
                        + " the services do no work of their own, so the figures are what each pattern itself costs.\n\n");
        md.append("## Settings\n\n| setting | value |\n| --- | --- |\n");
        settings.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\n## Comparison\n\n| # | pattern | what it guarantees | throughput (steps/s) | p50 (ms) | p99 (ms) |\n"
                + "| --- | --- | --- | --- | --- | --- |\n");
        for (int i = 0; i < figures.size(); i++) {
            PatternBench.Figures f = figures.get(i);
            md.append("| ").append(i + 1).append(" | ").append(f.pattern()).append(" | ").append(f.guarantee()).append(" | ")
                    .append(String.format(Locale.ROOT, "%.0f", f.stepsPerSecond())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", f.p50Ms())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", f.p99Ms())).append(" |\n");
        }
        md.append("\nThroughput is a burst of steps sent at once, from the first send to the last reply; p50 and p99 are"
                + " the latencies of steps sent at the fixed rate in the settings. The patterns run in the order listed, each"
                + " after " + StepDriver.WARM_UP_STEPS + " uncounted steps; the first also finds the broker and the JVM"
                + " cold, which the warm-up may not fully remove. The figures are one run's, not a ranking.\n");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("patterns.md"), md.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write patterns.md into " + dir, e);
        }
    }
}
