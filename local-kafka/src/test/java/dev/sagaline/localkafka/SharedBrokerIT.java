package dev.sagaline.localkafka;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@LocalKafka(shared = true)
@Tag("integration")
class SharedBrokerIT {

    @Test
    void sharesOneBrokerWithEveryOtherSharedClass(LocalKafkaBroker broker) {
        assertThat(SharedBrokerWitness.saw(broker)).as("brokers given to shared classes").hasSize(1);
        assertThat(broker.isRunning()).isTrue();
    }
}
