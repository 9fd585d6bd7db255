package dev.sagaline.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short chaos run of the build: three orchestrator instances and two instances of each demo
 * service in JVMs of their own, a random one killed with SIGKILL every 20 s and the broker killed
 * once, for two minutes of load; then every invariant must hold.
 */
@Tag("integration")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ChaosIT {

    @Test
    void everySagaEndsOnceAndMatchesWhatTheServicesAppliedWhileProcessesAndTheBrokerAreKilled(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("chaos.json");
        int exit = SagalineCli.execute("chaos", "--instances", "3", "--participants-per-service", "2", "--duration", "2m",
                "--rate", "25", "--kill-every", "20s", "--broker-restarts", "1", "--seed", "20",
                "--json", json.toString(), "--work-dir", dir.resolve("work").toString());

        JsonNode report = new ObjectMapper().readTree(json.toFile());
        JsonNode figures = report.get("figures");
        assertThat(exit).as(() -> "exit code; report:\n" + report.toPrettyString()).isZero();
        assertThat(report.get("passed").asBoolean()).isTrue();
        assertThat(figures.get("sagas started").asLong()).as("sagas started").isGreaterThan(2_000);
        assertThat(figures.get("completed").asLong()).as("completed").isGreaterThan(1_500);
        assertThat(figures.get("compensated").asLong()).as("compensated (declined payments)").isGreaterThan(100);
        assertThat(figures.get("orchestrator kills").asLong() + figures.get("participant kills").asLong())
                .as("kills").isGreaterThanOrEqualTo(4);
        assertThat(figures.get("broker restarts").asLong()).isEqualTo(1);
        assertThat(figures.get("kills not recovered from by the end").asLong()).isZero();
    }
}
