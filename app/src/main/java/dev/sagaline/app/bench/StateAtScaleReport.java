package dev.sagaline.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of an {@link InFlightBench} run against the targets, printed as a table and
 * written into the docs as a section of their own: between two markers in {@code benchmarks.md}
 * (the rest of the page, written by the other benchmark phases, is kept) and under
 * {@code stateAtScale} in {@code benchmarks.json}.
 */
public final class StateAtScaleReport {

    static final String BEGIN = "<!-- state-at-scale: written by `sagaline bench --in-flight N` -->";
    static final String END = "<!-- end of state-at-scale -->";
    private static final long BYTES_PER_SAGA_GOAL = 256;
    private static final double SECONDS_GOAL = 30;

    private final InFlightBench.Figures figures;
    private final Map<String, Object> table = new LinkedHashMap<>();
    private final List<BenchResults.Target> targets;

    public StateAtScaleReport(InFlightBench.Figures f) {
        this.figures = f;
        table.put("sagas in flight", f.inFlight());
        table.put("partitions, commit.interval.ms", f.partitions() + ", " + f.commitIntervalMs());
        table.put("load: start requests until all committed (s)", f.loadSeconds());
        table.put("load rate (sagas/s)", f.inFlight() / f.loadSeconds());
        table.put("changelog bytes per saga (live key + value, all stores)", f.changelogBytesPerSaga());
        f.changelogBytesPerSagaByStore().forEach((store, bytes) -> table.put("  of which " + store, bytes));
        table.put("RocksDB files per saga (state directory, clean close)", f.rocksDbBytesPerSaga());
        table.put("restore after losing local state, until RUNNING (s)", f.restoreSeconds());
        table.put("restart until the first saga progresses (s)", f.firstProgressSeconds());
        table.put("longest gap between polls after the restart (ms)", f.longestPollGapMs());
        table.put("max.poll.interval.ms", f.maxPollIntervalMs());
        table.put("sagas in the store after the restart", f.sagasAfterRestart());
        String atScale = " with " + f.inFlight() + " in flight";
        targets = List.of(
                BenchResults.Target.atMost("store bytes per saga", "<= " + BYTES_PER_SAGA_GOAL + " bytes", f.changelogBytesPerSaga(),
                        BYTES_PER_SAGA_GOAL, String.format("%.0f bytes", f.changelogBytesPerSaga()), "%.0f bytes"),
                BenchResults.Target.atMost("restore after losing local state", "<= 30 s" + atScale, f.restoreSeconds(), SECONDS_GOAL,
                        String.format("%.1f s", f.restoreSeconds()), "%.1f s"),
                BenchResults.Target.atMost("first progress after the restore", "<= 30 s" + atScale, f.firstProgressSeconds(), SECONDS_GOAL,
                        String.format("%.1f s", f.firstProgressSeconds()), "%.1f s"),
                BenchResults.Target.atMost("task start vs max.poll.interval.ms", "longest poll gap < " + f.maxPollIntervalMs() + " ms",
                        f.longestPollGapMs(), f.maxPollIntervalMs() - 1, String.format("%.0f ms", f.longestPollGapMs()), "%.0f ms"),
                BenchResults.Target.atMost("sagas lost in the restart", "0", f.inFlight() - f.sagasAfterRestart(), 0,
                        String.valueOf(f.inFlight() - f.sagasAfterRestart()), "%.0f sagas"));
    }

    public void print(PrintStream out) {
        out.println();
        out.println("State at scale");
        table.forEach((k, v) -> out.printf("  %-58s %s%n", k, format(v)));
        out.println("Targets");
        targets.forEach(t -> out.printf("  %-36s %-34s %-12s %s%n", t.name(), t.goal(), t.measured(), t.met() ? "met" : "MISSED"));
    }

    /** Writes the section into {@code benchmarks.md} and {@code benchmarks.json} in {@code dir}, replacing an earlier one. */
    public void write(Path dir, String when) {
        try {
            Files.createDirectories(dir);
            Path md = dir.resolve("benchmarks.md");
            String page = Files.exists(md) ? Files.readString(md) : "# Benchmark results\n";
            int begin = page.indexOf(BEGIN);
            int end = page.indexOf(END);
            String before = begin >= 0 && end > begin ? page.substring(0, begin) : page.stripTrailing() + "\n\n";
            String after = begin >= 0 && end > begin ? page.substring(end + END.length()) : "\n";
            Files.writeString(md, before + markdown(when) + after);

            Path json = dir.resolve("benchmarks.json");
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = Files.exists(json) ? (ObjectNode) mapper.readTree(json.toFile()) : mapper.createObjectNode();
            Map<String, Object> section = new LinkedHashMap<>();
            section.put("measuredAt", when);
            section.put("figures", figures);
            section.put("targets", targets);
            root.set("stateAtScale", mapper.valueToTree(section));
            mapper.writeValue(json.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the state-at-scale figures into " + dir, e);
        }
    }

    private String markdown(String when) {
        StringBuilder md = new StringBuilder(BEGIN).append("\n## State at scale\n\n");
        md.append("Written by `java -jar app/target/sagaline.jar bench --in-flight ").append(figures.inFlight()).append("` on ").append(when)
                .append(". The sagas are started with no participant running, so each waits on its first step. Bytes per saga are the live"
                        + " key and value bytes in the changelogs of the orchestrator's four stores (what the stores hold and what a"
                        + " restore reads), divided by the sagas in flight; the RocksDB files are those of the cleanly closed instance."
                        + " Then the orchestrator's state directory is deleted and it is started again, the participants running.\n\n");
        md.append("| figure | value |\n| --- | --- |\n");
        table.forEach((k, v) -> md.append("| ").append(k.strip()).append(" | ").append(format(v)).append(" |\n"));
        md.append("\n| target | goal | measured | |\n| --- | --- | --- | --- |\n");
        targets.forEach(t -> md.append("| ").append(t.name()).append(" | ").append(t.goal()).append(" | ").append(t.measured())
                .append(" | ").append(t.met() ? "met" : "missed").append(" |\n"));
        return md.append(END).toString();
    }

    private static String format(Object v) {
        return v instanceof Double d ? String.format("%.1f", d) : String.valueOf(v);
    }
}
