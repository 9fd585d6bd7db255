package dev.sagaline.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one benchmark run, each measured in that run, with the settings they were
 * measured under. Printed as a table, and written as JSON and as a Markdown page.
 *
 * @param settings what the run used (cores, partitions, commit interval, counts)
 * @param figures the measured figures, in the order they are reported
 * @param targets each target, its measured value and whether it was met
 */
record BenchResults(Map<String, Object> settings, Map<String, Object> figures, List<Target> targets) {

    /** A target of the benchmark, how the run fared against it and, when missed, by how much. */
    record Target(String name, String goal, String measured, boolean met, String shortfall) {

        /** Met when {@code value >= goal}; otherwise short by the difference, formatted with {@code by}. */
        static Target atLeast(String name, String goalText, double value, double goal, String measured, String by) {
            boolean met = value >= goal;
            double gap = by.contains("points") ? 100 * (goal - value) : goal - value;
            return new Target(name, goalText, measured, met, met ? "" : "by " + String.format(by, gap));
        }

        /** Met when {@code value <= goal}; otherwise over by the difference, formatted with {@code by}. */
        static Target atMost(String name, String goalText, double value, double goal, String measured, String by) {
            boolean met = value <= goal;
            return new Target(name, goalText, measured, met, met ? "" : "by " + String.format(by, value - goal));
        }
    }

    void print(PrintStream out) {
        out.println();
        out.println("Settings");
        settings.forEach((k, v) -> out.printf("  %-42s %s%n", k, v));
        out.println("Figures");
        figures.forEach((k, v) -> out.printf("  %-70s %s%n", k, format(v)));
        out.println("Targets");
        targets.forEach(t -> out.printf("  %-58s %-34s %-30s %s%n", t.name(), t.goal(), t.measured(),
                t.met() ? "met" : "MISSED " + t.shortfall()));
    }

    /**
     * Writes {@code NAME.json} and {@code NAME.md} into {@code dir}: {@code benchmarks} under the
     * default profile, {@code benchmarks-PROFILE} under another, so a profile's run sits beside the
     * default one.
     */
    void write(Path dir, String name, String when) {
        try {
            Files.createDirectories(dir);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("measuredAt", when);
            json.put("settings", settings);
            json.put("figures", figures);
            json.put("targets", targets);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(name + ".json").toFile(), json);
            Files.writeString(dir.resolve(name + ".md"), markdown(when));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the benchmark results into " + dir, e);
        }
    }

    private String markdown(String when) {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results\n\n");
        md.append("Written by `java -jar app/target/sagaline.jar bench` on ").append(when)
                .append(". Every figure below was measured in that one run; the `.json` file of the same name beside this file holds the same figures.\n\n");
        md.append("## Settings\n\n| setting | value |\n| --- | --- |\n");
        settings.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\n## Figures\n\n| figure | value |\n| --- | --- |\n");
        figures.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(format(v)).append(" |\n"));
        md.append("\n## Targets\n\n| target | goal | measured | | why, when missed |\n| --- | --- | --- | --- | --- |\n");
        targets.forEach(t -> md.append("| ").append(t.name()).append(" | ").append(t.goal()).append(" | ").append(t.measured())
                .append(" | ").append(t.met() ? "met" : "missed " + t.shortfall()).append(" | ").append(t.met() ? "" : why(t.name()))
                .append(" |\n"));
        md.append("\nWhy a target is missed, and where each millisecond goes: [performance.md](performance.md).\n");
        return md.toString();
    }

    /** What bounds the figure of a target, as performance.md explains with the run's own figures. */
    private static String why(String target) {
        if (target.startsWith("throughput vs bare ceiling")) {
            return "a saga moves 16 records through topics (8 audit events, 1 FORGET notice) where the bare ceiling moves 8,"
                    + " and each commit waits until every record of its transaction is acknowledged";
        }
        if (target.startsWith("p99 latency")) {
            return "every one of a saga's 8 hops waits for a commit; at 200 sagas/s a loaded machine also queues sagas";
        }
        if (target.startsWith("p99 vs the bare ceiling")) {
            return "the sagas' capacity at these settings is below the bare ceiling's, so at the same rate they queue sooner";
        }
        if (target.startsWith("time to first saga")) {
            return "the first round trip pays the participant's first records to the reply topic and its first transaction";
        }
        return "see performance.md";
    }

    private static String format(Object v) {
        return v instanceof Double d ? String.format(Math.abs(d) < 10 ? "%.2f" : "%.1f", d) : String.valueOf(v);
    }
}
