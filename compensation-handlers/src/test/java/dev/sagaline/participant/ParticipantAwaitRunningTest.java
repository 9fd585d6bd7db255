package dev.sagaline.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.participant.example.ReserveStock;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Participant#awaitRunning(Duration)} without a broker: the cases where it must not return. */
class ParticipantAwaitRunningTest {

    @TempDir
    Path stateDir;

    @Test
    void refusesToWaitForAParticipantThatWasNeverStarted() {
        try (Participant participant = participant(unusedPort())) {
            assertThatThrownBy(() -> participant.awaitRunning(Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("'inventory' is not started");
        }
    }

    @Test
    void givesUpAfterTheTimeoutWhenTheClusterNeverAnswers() {
        Participant participant = participant(unusedPort());
        try {
            participant.start();
            long started = System.nanoTime();

            assertThatThrownBy(() -> participant.awaitRunning(Duration.ofMillis(300)))
                    .isInstanceOf(ParticipantNotRunningException.class)
                    .hasMessageContaining("participant 'inventory' is not running after PT0.3S; state ");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        } finally {
            participant.close(Duration.ofSeconds(1));
        }
    }

    @Test
    void reportsAParticipantClosedBeforeItRan() {
        Participant participant = participant(unusedPort());
        participant.start();
        participant.close(Duration.ofSeconds(1));

        assertThatThrownBy(() -> participant.awaitRunning(Duration.ofSeconds(30)))
                .isInstanceOf(ParticipantNotRunningException.class)
                .hasMessageContaining("participant 'inventory' stopped before it ran");
    }

    private Participant participant(int port) {
        return Participant.builder()
                .applicationId("inventory")
                .bootstrapServers("127.0.0.1:" + port)
                .commandTopic("inventory.commands")
                .property(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString())
                .onDo("reserve-stock", ReserveStock.class, (order, context) -> StepResult.succeeded())
                .build();
    }

    /** A loopback port nothing listens on. */
    private static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
