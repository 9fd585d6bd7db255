package dev.sagaline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sagaline.app.bench.BenchRun;
import dev.sagaline.localkafka.LocalKafkaBroker;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny benchmark run writes every figure the issue asks for and a target row for each goal; no
 * figure's value is asserted, as speed is never asserted in a test. It runs on a broker secured
 * with SASL_SSL and ACLs, given the client settings in a file as {@code run} takes them, so every
 * client the benchmark starts (the apps, the load, the readers, the second orchestrator JVM, the
 * state at scale) must log in to work at all.
 */
@Tag("integration")
@Timeout(300)
class BenchCommandIT {

    private static final String USER = "bench";
    private static final String PASSWORD = "bench-secret";

    @TempDir
    Path dir;

    @Test
    void writesEveryFigureAndATargetPerGoalOnASecuredCluster() throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().secured().build().start()) {
            broker.createUser(USER, PASSWORD);
            broker.createAcls(List.of(allow(ResourceType.TOPIC), allow(ResourceType.GROUP), allow(ResourceType.TRANSACTIONAL_ID),
                    allow(ResourceType.CLUSTER)));
            Path clientFile = writeProperties(broker.clientConfig(USER, PASSWORD));

            CliRun cli = new CliRun();
            int exit = cli.execute("bench", "--quick", "-c", clientFile.toString(), "--sagas", "100", "--warm-up", "20",
                    "--latency-rate", "20", "--latency-seconds", "2", "--scaling-sagas", "40", "--recovery-sagas", "50",
                    "--output-dir", dir.toString());

            assertThat(exit).as("bench's exit code; its errors: %s", cli.errLines()).isZero();
        }
        JsonNode json = new ObjectMapper().readTree(Files.readString(dir.resolve("benchmarks.json")));
        List<String> figures = new ArrayList<>();
        json.get("figures").fieldNames().forEachRemaining(figures::add);
        assertThat(figures).contains("[2p 100ms] bare ceiling (sagas/s)", "[2p 100ms] audited ceiling (sagas/s)",
                "[2p 100ms] saga throughput / bare ceiling", "[2p 100ms] saga throughput / audited ceiling",
                "[2p 100ms] time to first saga, the longer of two (s)", "[2p 100ms] latency p99 (ms)", "[2p 100ms] bare ceiling latency p99 (ms)",
                "[2p 100ms] hop: orchestrator commit, of it the transaction commit (ms)", "scaling factor, 2 threads vs 1",
                "scaling factor, 2 instances vs 1", "changelog bytes per in-flight saga (all stores)", "restore until running (s)",
                "restart until sagas progress (s)", "sagas in the store after restart");
        List<String> targets = new ArrayList<>();
        json.get("targets").forEach(t -> targets.add(t.get("name").asText()));
        assertThat(targets).anyMatch(t -> t.startsWith("throughput vs bare ceiling")).anyMatch(t -> t.startsWith("time to first saga"))
                .anyMatch(t -> t.startsWith("p99 latency")).anyMatch(t -> t.startsWith("p99 vs the bare ceiling"))
                .contains("2 stream threads vs 1", "2 orchestrator instances (JVMs) vs 1", "store per in-flight saga",
                        "progress after restart", "sagas lost in the restart");
        assertThat(Files.readString(dir.resolve("benchmarks.md"))).contains("## Targets", "saga throughput / bare ceiling");
    }

    @Test
    void refusesAnUnknownProfileNamingTheKey() {
        assertThatThrownBy(() -> BenchRun.of("127.0.0.1:1", Map.of(), dir, "fastest", 2, 100, false, 1, 1, 1, 1, 0, 0))
                .hasMessageContaining("sagaline.profile").hasMessageContaining("low-latency");
    }

    /** The settings as a user writes them in a file: a password in plain text. */
    private Path writeProperties(Map<String, Object> client) throws IOException {
        Properties props = new Properties();
        client.forEach((key, value) -> props.setProperty(key, value instanceof Password password ? password.value() : value.toString()));
        StringWriter text = new StringWriter();
        props.store(text, "BenchCommandIT");
        Path file = dir.resolve("client.properties");
        Files.writeString(file, text.toString());
        return file;
    }

    private static AclBinding allow(ResourceType type) {
        String name = type == ResourceType.CLUSTER ? "kafka-cluster" : ResourcePattern.WILDCARD_RESOURCE;
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:" + USER, "*", AclOperation.ALL, AclPermissionType.ALLOW));
    }
}
