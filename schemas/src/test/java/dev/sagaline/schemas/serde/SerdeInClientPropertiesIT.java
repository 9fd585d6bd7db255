package dev.sagaline.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.testsupport.FakeSchemaRegistryServer;
import dev.sagaline.schemas.testsupport.ProtocolFixtures;
import dev.sagaline.schemas.testsupport.WireBytes;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localkafka.LocalKafkaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A participant service's plain {@code KafkaProducer} and {@code KafkaConsumer} naming
 * {@link SpecificAvroSerde} in their properties, as they would Confluent's, against the real local
 * broker and a registry server: what the producer writes is the wire format byte for byte, and the
 * consumer reads it back.
 */
@Tag("integration")
@ExtendWith(LocalKafkaExtension.class)
@Timeout(120)
class SerdeInClientPropertiesIT {

    private static final String TOPIC = "serde-it.replies";

    private final FakeSchemaRegistryServer registry = FakeSchemaRegistryServer.start();

    @AfterEach
    void stopRegistry() {
        registry.close();
    }

    @Test
    void producesAndConsumesWithTheSerdeNamedInClientProperties(LocalKafkaBroker broker) {
        broker.createTopics(Map.of(TOPIC, 1));
        StepReply reply = ProtocolFixtures.stepReply();
        Map<String, Object> producerProps = new HashMap<>(broker.clientConfig());
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, SpecificAvroSerde.class.getName());
        producerProps.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.uri().toString());
        producerProps.put(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, "USER_INFO");
        producerProps.put(AvroSerdeConfig.BASIC_AUTH_USER_INFO_CONFIG, "inventory:s3cret");
        producerProps.put(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY_CONFIG, "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy");
        try (KafkaProducer<String, StepReply> producer = new KafkaProducer<>(producerProps)) {
            producer.send(new ProducerRecord<>(TOPIC, reply.getSagaId(), reply));
            producer.flush();
        }

        List<StepReply> read = consume(broker, SpecificAvroSerde.class.getName(), "serde-it-typed");
        List<byte[]> raw = consume(broker, ByteArrayDeserializer.class.getName(), "serde-it-raw");

        assertThat(read).containsExactly(reply);
        int id = registry.idsUnder(TOPIC + "-dev.sagaline.protocol.v1.StepReply").get(0);
        assertThat(raw).singleElement().isEqualTo(WireBytes.framed(id, WireBytes.plainAvro(reply)));
        assertThat(registry.requests()).allSatisfy(request -> assertThat(request.headers()).containsKey("authorization"));
    }

    private <V> List<V> consume(LocalKafkaBroker broker, String valueDeserializer, String group) {
        Map<String, Object> props = new HashMap<>(broker.clientConfig());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, valueDeserializer);
        props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.uri().toString());
        props.put(AvroSerdeConfig.BEARER_AUTH_TOKEN_CONFIG, "consumer-token");
        List<V> values = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
