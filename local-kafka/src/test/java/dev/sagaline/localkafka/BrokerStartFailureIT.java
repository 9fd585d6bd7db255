package dev.sagaline.localkafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A broker process that dies during start-up is reported with its exit code and its last log lines. */
@Tag("integration")
@Timeout(60)
class BrokerStartFailureIT {

    @Test
    void reportsABadServerSettingWithTheExitCodeAndTheBrokersLastLogLines() {
        LocalKafkaBroker broker = LocalKafkaBroker.builder().serverProperty("num.partitions", "lots").build();

        assertThatThrownBy(broker::start)
                .isInstanceOf(LocalKafkaException.class)
                .hasMessageContaining("exited with code 2 during start-up")
                .hasMessageContaining("Last broker log lines:")
                .hasMessageContaining("Invalid value lots for configuration num.partitions");
    }
}
