package dev.sagaline.participant.testsupport;

import dev.sagaline.localkafka.LocalKafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Reads back what a real-broker test wrote to a topic, and configures its producers. */
public final class TopicRecords {

    private TopicRecords() {
    }

    /** Client settings for a producer of string keys and byte values to {@code kafka}. */
    public static Map<String, Object> producerConfig(LocalKafkaBroker kafka) {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return config;
    }

    /** Every committed record of a one-partition topic, read up to its last stable offset. */
    public static List<ConsumerRecord<String, byte[]>> committed(LocalKafkaBroker kafka, String topic) {
        return read(kafka, List.of(new TopicPartition(topic, 0)));
    }

    /** Every committed record of every partition of a topic, partition by partition. */
    public static List<ConsumerRecord<String, byte[]>> all(LocalKafkaBroker kafka, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config(kafka))) {
            return read(kafka, consumer.partitionsFor(topic).stream()
                    .map(partition -> new TopicPartition(topic, partition.partition())).toList());
        }
    }

    private static List<ConsumerRecord<String, byte[]>> read(LocalKafkaBroker kafka, List<TopicPartition> partitions) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config(kafka))) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private static Map<String, Object> config(LocalKafkaBroker kafka) {
        Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return config;
    }
}
