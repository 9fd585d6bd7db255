package dev.sagaline.schemas.serde;

import dev.sagaline.schemas.registry.SchemaRegistry;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.avro.specific.SpecificRecord;

/**
 * A Kafka {@link Serde} for one generated Avro class in the Schema Registry wire format, with
 * subjects named as Confluent's {@code TopicNameStrategy} does: {@code <topic>-value} or
 * {@code <topic>-key}. Instances are built per use with their registry (no process-wide state),
 * and are thread-safe.
 *
 * @param <T> the generated Avro class
 */
public final class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final AvroWireFormat<T> format;
    private final boolean isKey;

    private SpecificAvroSerde(AvroWireFormat<T> format, boolean isKey) {
        this.format = format;
        this.isKey = isKey;
    }

    /** A serde for record values. */
    public static <T extends SpecificRecord> SpecificAvroSerde<T> forValues(SchemaRegistry registry, Class<T> type) {
        return new SpecificAvroSerde<>(new AvroWireFormat<>(registry, type), false);
    }

    /** A serde for record keys. */
    public static <T extends SpecificRecord> SpecificAvroSerde<T> forKeys(SchemaRegistry registry, Class<T> type) {
        return new SpecificAvroSerde<>(new AvroWireFormat<>(registry, type), true);
    }

    /** The subject this serde registers under for {@code topic}. */
    public String subject(String topic) {
        return topic + (isKey ? "-key" : "-value");
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : format.encode(subject(topic), data, "topic " + topic);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T data) {
        return serialize(topic, data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return format.decode(data, "topic " + topic);
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        return deserialize(topic, data);
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Built fully by its factory methods; Kafka's configuration adds nothing.
    }

    @Override
    public void close() {
        // Registries are owned by whoever built this serde; nothing of its own to release.
    }
}
