package dev.sagaline.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localkafka.LocalKafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny benchmark run writes every figure the issue asks for and a target row for each goal;
 * no figure's value is asserted, as speed is never asserted in a test.
 */
@Tag("integration")
@ExtendWith(LocalKafkaExtension.class)
@Timeout(300)
class BenchRunIT {

    @TempDir
    Path dir;

    @Test
    void writesEveryFigureAndATargetPerGoal(LocalKafkaBroker broker) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        BenchRun.of(broker.bootstrapServers(), dir.resolve("state"), "default", 2, 100, false, 100, 20, 20, 2, 40, 50)
                .execute(new PrintStream(printed, true, StandardCharsets.UTF_8), dir);

        JsonNode json = new ObjectMapper().readTree(Files.readString(dir.resolve("benchmarks.json")));
        List<String> figures = new ArrayList<>();
        json.get("figures").fieldNames().forEachRemaining(figures::add);
        assertThat(figures).contains("[2p 100ms] bare ceiling (sagas/s)", "[2p 100ms] audited ceiling (sagas/s)",
                "[2p 100ms] saga throughput / bare ceiling", "[2p 100ms] saga throughput / audited ceiling",
                "[2p 100ms] time to first saga, the longer of two (s)", "[2p 100ms] latency p99 (ms)", "[2p 100ms] bare ceiling latency p99 (ms)",
                "[2p 100ms] hop: orchestrator commit, of it the transaction commit (ms)", "scaling factor, 2 threads vs 1",
                "scaling factor, 2 instances vs 1", "store bytes per in-flight saga", "restart until sagas progress (s)");
        List<String> targets = new ArrayList<>();
        json.get("targets").forEach(t -> targets.add(t.get("name").asText()));
        assertThat(targets).anyMatch(t -> t.startsWith("throughput vs bare ceiling")).anyMatch(t -> t.startsWith("time to first saga"))
                .anyMatch(t -> t.startsWith("p99 latency")).anyMatch(t -> t.startsWith("p99 vs the bare ceiling"))
                .contains("2 stream threads vs 1", "2 orchestrator instances (JVMs) vs 1");
        assertThat(Files.readString(dir.resolve("benchmarks.md"))).contains("## Targets", "saga throughput / bare ceiling");
    }

    @Test
    void refusesAnUnknownProfileNamingTheKey() {
        assertThatThrownBy(() -> BenchRun.of("127.0.0.1:1", dir, "fastest", 2, 100, false, 1, 1, 1, 1, 0, 0))
                .hasMessageContaining("sagaline.profile").hasMessageContaining("low-latency");
    }
}
