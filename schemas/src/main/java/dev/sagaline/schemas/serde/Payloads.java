package dev.sagaline.schemas.serde;

import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.PayloadEncoding;
import dev.sagaline.schemas.registry.SchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Wraps a service's own domain records into protocol {@link Payload}s and back, so services keep
 * their own schemas and the orchestrator carries the bytes opaquely.
 *
 * <p>With a registry, payloads are written in the Schema Registry wire format (subject: the
 * record's full name, as Confluent's {@code RecordNameStrategy}) and a reader resolves the writer's
 * schema, so a payload written by an older or newer version of a service still decodes. Without
 * one, payloads are plain Avro binary and the reader's schema must be the writer's.
 */
public final class Payloads {

    private final SchemaRegistry registry;
    private final Map<Class<?>, AvroWireFormat<?>> formats = new ConcurrentHashMap<>();

    private Payloads(SchemaRegistry registry) {
        this.registry = registry;
    }

    /** Payloads in the Schema Registry wire format, resolved through {@code registry}. */
    public static Payloads withRegistry(SchemaRegistry registry) {
        return new Payloads(registry);
    }

    /** Payloads in plain Avro binary, for callers that share one schema version. */
    public static Payloads plainAvro() {
        return new Payloads(null);
    }

    /** A JSON payload holding {@code json} as UTF-8 text. */
    public static Payload json(String json) {
        return new Payload(PayloadEncoding.JSON, "application/json", ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The text of a JSON payload.
     *
     * @throws SerializationException when the payload is null or not encoded as JSON
     */
    public static String jsonText(Payload payload) {
        if (payload == null) {
            throw new SerializationException("expected a JSON payload but there is none");
        }
        if (payload.getEncoding() != PayloadEncoding.JSON) {
            throw new SerializationException("payload " + payload.getSchemaName() + " is encoded as "
                    + payload.getEncoding() + ", not JSON");
        }
        return StandardCharsets.UTF_8.decode(payload.getData().duplicate()).toString();
    }

    /** Encodes a domain record. */
    public <T extends SpecificRecord> Payload encode(T record) {
        Schema schema = GeneratedClasses.schemaOf(record.getClass());
        if (registry == null) {
            return new Payload(PayloadEncoding.AVRO_BINARY, schema.getFullName(), ByteBuffer.wrap(plainBytes(record, schema)));
        }
        @SuppressWarnings("unchecked")
        AvroWireFormat<T> format = (AvroWireFormat<T>) formatFor(record.getClass());
        byte[] bytes = format.encode(schema.getFullName(), record, "payload " + schema.getFullName());
        return new Payload(PayloadEncoding.AVRO_REGISTRY, schema.getFullName(), ByteBuffer.wrap(bytes));
    }

    /**
     * Decodes a payload into {@code type}.
     *
     * @throws SerializationException naming the payload's schema when it is null, of another
     *     encoding, or does not decode
     */
    public <T extends SpecificRecord> T decode(Payload payload, Class<T> type) {
        if (payload == null) {
            throw new SerializationException("expected a payload of " + type.getName() + " but there is none");
        }
        byte[] bytes = new byte[payload.getData().remaining()];
        payload.getData().duplicate().get(bytes);
        switch (payload.getEncoding()) {
            case AVRO_REGISTRY:
                if (registry == null) {
                    throw new SerializationException("payload " + payload.getSchemaName()
                            + " is in the Schema Registry format but no registry is configured");
                }
                @SuppressWarnings("unchecked")
                AvroWireFormat<T> format = (AvroWireFormat<T>) formatFor(type);
                return format.decode(bytes, "payload " + payload.getSchemaName());
            case AVRO_BINARY:
                return plainRecord(bytes, type, payload.getSchemaName());
            default:
                throw new SerializationException("payload " + payload.getSchemaName() + " is encoded as "
                        + payload.getEncoding() + ", not Avro; cannot decode it into " + type.getName());
        }
    }

    private AvroWireFormat<?> formatFor(Class<?> type) {
        return formats.computeIfAbsent(type, t -> newFormat(t.asSubclass(SpecificRecord.class)));
    }

    private <T extends SpecificRecord> AvroWireFormat<T> newFormat(Class<T> type) {
        return new AvroWireFormat<>(registry, type);
    }

    private static <T extends SpecificRecord> byte[] plainBytes(T record, Schema schema) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new SpecificDatumWriter<T>(schema).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new SerializationException("cannot encode payload " + schema.getFullName() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static <T extends SpecificRecord> T plainRecord(byte[] bytes, Class<T> type, String writerName) {
        Schema schema = GeneratedClasses.schemaOf(type);
        boolean complete;
        T record;
        try {
            BoundedDecoder decoder = BoundedDecoder.of(bytes, 0, bytes.length);
            record = new JavaListDatumReader<T>(schema, schema).read(null, decoder);
            complete = decoder.isEnd();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode payload written as " + writerName + " into "
                    + type.getName() + ": " + e, e);
        }
        if (!complete) {
            throw new SerializationException("payload written as " + writerName + " has trailing bytes after a "
                    + type.getName() + " record: it was written with another schema");
        }
        return record;
    }
}
