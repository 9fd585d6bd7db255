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

    /** A target of the benchmark and how the run fared against it. */
    record Target(String name, String goal, String measured, boolean met) {
    }

    void print(PrintStream out) {
        out.println();
        out.println("Settings");
        settings.forEach((k, v) -> out.printf("  %-42s %s%n", k, v));
        out.println("Figures");
        figures.forEach((k, v) -> out.printf("  %-42s %s%n", k, format(v)));
        out.println("Targets");
        targets.forEach(t -> out.printf("  %-42s %-26s %-22s %s%n", t.name(), t.goal(), t.measured(), t.met() ? "met" : "MISSED"));
    }

    /** Writes {@code benchmarks.json} and {@code benchmarks.md} into {@code dir}. */
    void write(Path dir, String when) {
        try {
            Files.createDirectories(dir);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("measuredAt", when);
            json.put("settings", settings);
            json.put("figures", figures);
            json.put("targets", targets);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("benchmarks.json").toFile(), json);
            Files.writeString(dir.resolve("benchmarks.md"), markdown(when));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the benchmark results into " + dir, e);
        }
    }

    private String markdown(String when) {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmark results\n\n");
        md.append("Written by `java -jar app/target/sagaline.jar bench` on ").append(when)
                .append(". Every figure below was measured in that one run; `benchmarks.json` beside this file holds the same figures.\n\n");
        md.append("## Settings\n\n| setting | value |\n| --- | --- |\n");
        settings.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\n## Figures\n\n| figure | value |\n| --- | --- |\n");
        figures.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(format(v)).append(" |\n"));
        md.append("\n## Targets\n\n| target | goal | measured | |\n| --- | --- | --- | --- |\n");
        targets.forEach(t -> md.append("| ").append(t.name()).append(" | ").append(t.goal()).append(" | ").append(t.measured())
                .append(" | ").append(t.met() ? "met" : "missed").append(" |\n"));
        return md.toString();
    }

    private static String format(Object v) {
        return v instanceof Double d ? String.format("%.1f", d) : String.valueOf(v);
    }
}
