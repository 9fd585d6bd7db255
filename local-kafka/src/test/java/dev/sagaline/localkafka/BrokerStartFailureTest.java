package dev.sagaline.localkafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up refusals found before any broker process is launched; a broker that dies while starting is in {@link BrokerStartFailureIT}. */
@Timeout(60)
class BrokerStartFailureTest {

    @Test
    void refusesAPortThatIsAlreadyTaken() throws Exception {
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = squatter.getLocalPort();
            LocalKafkaBroker broker = LocalKafkaBroker.builder().port(port).build();

            assertThatThrownBy(broker::start)
                    .isInstanceOf(LocalKafkaException.class)
                    .hasMessage("port " + port + " on 127.0.0.1 is already in use");
            assertThat(broker.isRunning()).isFalse();
        }
    }

    @Test
    void refusesToOverrideSettingsDerivedFromPortsAndLogDir() {
        assertThatThrownBy(() -> LocalKafkaBroker.builder().serverProperty("listeners", "PLAINTEXT://0.0.0.0:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'listeners' is managed by LocalKafkaBroker");
    }

    @Test
    void refusesTheSamePortForBrokerAndController() {
        assertThatThrownBy(() -> LocalKafkaBroker.builder().port(19092).controllerPort(19092).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must differ");
    }
}
