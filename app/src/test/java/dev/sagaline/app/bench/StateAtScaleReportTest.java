package dev.sagaline.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state-at-scale figures go into a section of their own and leave the rest of the benchmark docs as they were. */
class StateAtScaleReportTest {

    @TempDir
    Path docs;

    @Test
    void replacesItsOwnSectionAndKeepsTheRestOfThePage() throws Exception {
        Files.writeString(docs.resolve("benchmarks.md"), "# Benchmark results\n\n## Figures\n\n| ceiling | 4323 |\n");
        Files.writeString(docs.resolve("benchmarks.json"), "{\"figures\": {\"ceiling (sagas/s)\": 4323.3}}");

        new StateAtScaleReport(figures(1000, 900, 5.0)).write(docs, "2030-01-01T00:00:00Z");
        new StateAtScaleReport(figures(1000, 1000, 2.5)).write(docs, "2030-01-02T00:00:00Z");

        String page = Files.readString(docs.resolve("benchmarks.md"));
        assertThat(page).startsWith("# Benchmark results\n\n## Figures\n\n| ceiling | 4323 |\n");
        assertThat(page.split("## State at scale", -1)).hasSize(2);
        assertThat(page).contains("2030-01-02T00:00:00Z").doesNotContain("2030-01-01T00:00:00Z")
                .contains("| restart until the first saga progresses (s) | 2.5 |")
                .contains("| sagas lost in the restart | 0 | 0 | met |");
        JsonNode json = new ObjectMapper().readTree(docs.resolve("benchmarks.json").toFile());
        assertThat(json.at("/figures/ceiling (sagas~1s)").asDouble()).isEqualTo(4323.3);
        assertThat(json.at("/stateAtScale/figures/firstProgressSeconds").asDouble()).isEqualTo(2.5);
    }

    @Test
    void reportsEachMissedTarget() throws Exception {
        new StateAtScaleReport(new InFlightBench.Figures(1000, 2, 100, 1.0, 300, Map.of(), 310, 31, 45, 400_000, 300_000, 999))
                .write(docs, "2030-01-01T00:00:00Z");

        assertThat(Files.readString(docs.resolve("benchmarks.md")))
                .contains("| store bytes per saga | <= 256 bytes | 300 bytes | missed |")
                .contains("| restore after losing local state | <= 30 s with 1000 in flight | 31.0 s | missed |")
                .contains("| first progress after the restore | <= 30 s with 1000 in flight | 45.0 s | missed |")
                .contains("| task start vs max.poll.interval.ms | longest poll gap < 300000 ms | 400000 ms | missed |")
                .contains("| sagas lost in the restart | 0 | 1 | missed |");
    }

    private static InFlightBench.Figures figures(int inFlight, long present, double progressSeconds) {
        return new InFlightBench.Figures(inFlight, 2, 100, 1.0, 230, Map.of("sagaline-saga-state", 230.0), 240, 2.0, progressSeconds,
                500, 300_000, present);
    }
}
