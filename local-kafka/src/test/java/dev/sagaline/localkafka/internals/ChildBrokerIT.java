package dev.sagaline.localkafka.internals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("integration")
@Timeout(60)
class ChildBrokerIT {

    @Test
    void haltsWhenItsParentClosesStdinWithoutAStopRequest(@TempDir Path workDir) throws Exception {
        Path properties = workDir.resolve("server.properties");
        ServerProperties.write(ServerProperties.of(
                LoopbackPorts.pickFree(), LoopbackPorts.pickFree(), workDir.resolve("logs"), Map.of()), properties);
        ChildBroker child = ChildBroker.launch(properties, workDir.resolve("broker.log"), List.of());

        child.closeStdin();

        assertThat(child.awaitExit(Duration.ofSeconds(30))).as("child exited").isTrue();
        assertThat(child.exitCode()).isEqualTo(BrokerProcess.EXIT_ORPHANED);
        assertThat(child.lastOutputLines(10)).anyMatch(line -> line.contains("stdin closed without a stop request"));
    }
}
