package dev.sagaline.localkafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@LocalKafka(shared = true)
@Tag("integration")
@Timeout(60)
class SideBySideBrokersIT {

    @Test
    void twoBrokersInOneJvmRunSideBySideOnDifferentPorts(LocalKafkaBroker shared) throws Exception {
        assertThat(SharedBrokerWitness.saw(shared)).as("brokers given to shared classes").hasSize(1);
        Path ownLogDir;
        try (LocalKafkaBroker own = LocalKafkaBroker.builder().build().start()) {
            ownLogDir = own.logDir();
            assertThat(own.port()).isNotEqualTo(shared.port());
            shared.createTopics(Map.of("side-by-side", 1));
            own.createTopics(Map.of("side-by-side", 1));

            send(shared, "to-shared");
            send(own, "to-own");

            assertThat(TestClients.readAll(shared, "side-by-side", IsolationLevel.READ_COMMITTED))
                    .containsExactly("to-shared");
            assertThat(TestClients.readAll(own, "side-by-side", IsolationLevel.READ_COMMITTED))
                    .containsExactly("to-own");
        }
        assertThat(ownLogDir).as("temporary log dir removed on close").doesNotExist();
        assertThat(shared.isRunning()).isTrue();
    }

    private static void send(LocalKafkaBroker broker, String value) throws Exception {
        try (KafkaProducer<String, String> producer = TestClients.producer(broker)) {
            producer.send(new ProducerRecord<>("side-by-side", value)).get();
        }
    }
}
