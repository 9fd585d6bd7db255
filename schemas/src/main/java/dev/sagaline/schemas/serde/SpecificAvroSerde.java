package dev.sagaline.schemas.serde;

import dev.sagaline.schemas.registry.SchemaRegistry;
import dev.sagaline.schemas.registry.SchemaRegistryException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} (and {@link Serializer} and {@link Deserializer}) for generated Avro
 * classes in the Schema Registry wire format, usable the two ways Kafka clients take serdes.
 *
 * <p><b>Named in a client's properties</b>, like Confluent's serdes: Kafka builds it with the
 * public no-argument constructor and calls {@link #configure}, which reads the keys of
 * {@link AvroSerdeConfig} ({@code schema.registry.url}, {@code basic.auth.*},
 * {@code bearer.auth.token}, {@code auto.register.schemas}, {@code use.latest.version},
 * {@code key/value.subject.name.strategy}, {@code specific.avro.key/value.type}):
 *
 * <pre>{@code
 * props.put("value.serializer", SpecificAvroSerde.class.getName());
 * props.put("schema.registry.url", "https://registry:8081");
 * props.put("basic.auth.credentials.source", "USER_INFO");
 * props.put("basic.auth.user.info", "inventory:secret");
 * }</pre>
 *
 * It then writes any generated class, and reads into the class the writer's schema names (or
 * {@code specific.avro.value.type}).
 *
 * <p><b>Built in code</b> with {@link #forValues} or {@link #forKeys} for one class and one
 * registry instance (no process-wide state), subjects named as {@code TopicNameStrategy} does and
 * schemas registered on first use; such a serde is complete and {@code configure()} leaves it
 * as it is.
 *
 * <p>Thread-safe once configured.
 *
 * @param <T> the generated Avro class
 */
public final class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    /** What a configured serde works with. */
    private record Setup(SchemaRegistry registry, boolean isKey, SubjectNameStrategy subjects, WriterSchemaChoice writerSchema,
                         Class<? extends SpecificRecord> readType) {
    }

    private final boolean builtInCode;
    private final Map<Class<?>, AvroWireFormat<?>> formats = new ConcurrentHashMap<>();
    private volatile Setup setup;

    /** An unconfigured serde, as Kafka builds one named in {@code key.serializer} or {@code value.deserializer}; {@link #configure} sets it up. */
    public SpecificAvroSerde() {
        this.builtInCode = false;
    }

    private SpecificAvroSerde(SchemaRegistry registry, Class<T> type, boolean isKey) {
        this.builtInCode = true;
        this.setup = new Setup(registry, isKey, SubjectNameStrategy.TOPIC, WriterSchemaChoice.REGISTER, type);
        formatFor(type);
    }

    /** A serde for record values of {@code type}. */
    public static <T extends SpecificRecord> SpecificAvroSerde<T> forValues(SchemaRegistry registry, Class<T> type) {
        return new SpecificAvroSerde<>(registry, type, false);
    }

    /** A serde for record keys of {@code type}. */
    public static <T extends SpecificRecord> SpecificAvroSerde<T> forKeys(SchemaRegistry registry, Class<T> type) {
        return new SpecificAvroSerde<>(registry, type, true);
    }

    /**
     * Reads the {@link AvroSerdeConfig} keys from the client's configuration. Does nothing to a
     * serde built with {@link #forValues} or {@link #forKeys}.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming the key of a missing or wrong setting
     */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (builtInCode) {
            return;
        }
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        formats.clear();
        setup = new Setup(config.schemaRegistry(), isKey, config.subjectNameStrategy(isKey), config.writerSchemaChoice(),
                config.specificType(isKey));
    }

    /**
     * The subject this serde's records are written under on {@code topic}.
     *
     * @throws IllegalStateException when the serde is not configured or, with the record name strategies, has no fixed type
     */
    public String subject(String topic) {
        Setup current = configured();
        if (current.readType() == null && current.subjects() != SubjectNameStrategy.TOPIC) {
            throw new IllegalStateException("the subject of " + current.subjects() + " depends on the record's type; this serde has none fixed");
        }
        Schema schema = current.readType() == null ? null : formatFor(current.readType()).schema();
        return current.subjects().subject(topic, current.isKey(), schema);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Setup current = configured();
        @SuppressWarnings("unchecked")
        AvroWireFormat<T> format = (AvroWireFormat<T>) formatFor(data.getClass());
        String subject = current.subjects().subject(topic, current.isKey(), format.schema());
        return format.encode(subject, data, "topic " + topic, current.writerSchema());
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T data) {
        return serialize(topic, data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        Setup current = configured();
        String context = "topic " + topic;
        Class<? extends SpecificRecord> type = current.readType() != null ? current.readType() : writtenType(current, data, context);
        @SuppressWarnings("unchecked")
        AvroWireFormat<T> format = (AvroWireFormat<T>) formatFor(type);
        return format.decode(data, context);
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
    public void close() {
        // Registries are owned by whoever built this serde or shared under a scope; nothing of its own to release.
    }

    /** The generated class named by the schema {@code data} was written with. */
    private static Class<? extends SpecificRecord> writtenType(Setup current, byte[] data, String context) {
        int id = AvroWireFormat.schemaId(data, context);
        Schema writer;
        try {
            writer = current.registry().schemaById(id);
        } catch (SchemaRegistryException e) {
            throw new SerializationException(context + ": unknown writer schema id " + id + ": " + e.getMessage(), e);
        }
        Class<?> type = null;
        if (writer.getType() == Schema.Type.RECORD) {
            GeneratedClasses.trust(writer);
            try {
                type = SpecificData.get().getClass(writer);
            } catch (SecurityException notGenerated) {
                // Avro refuses a class that is not generated Avro code: treated as no class.
            }
        }
        if (type == null || !SpecificRecord.class.isAssignableFrom(type)) {
            throw new SerializationException(context + ": no generated Avro class " + writer.getFullName() + " (schema id " + id
                    + ") on the class path; set " + (current.isKey() ? AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE_CONFIG
                    : AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE_CONFIG) + " to the class to read into");
        }
        return type.asSubclass(SpecificRecord.class);
    }

    private Setup configured() {
        Setup current = setup;
        if (current == null) {
            throw new IllegalStateException("SpecificAvroSerde is not configured: name it in a client's properties (which calls"
                    + " configure()) together with " + AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG + ", or build it with forValues/forKeys");
        }
        return current;
    }

    private AvroWireFormat<?> formatFor(Class<?> type) {
        return formats.computeIfAbsent(type, t -> newFormat(t.asSubclass(SpecificRecord.class)));
    }

    private <R extends SpecificRecord> AvroWireFormat<R> newFormat(Class<R> type) {
        return new AvroWireFormat<>(configured().registry(), type);
    }
}
