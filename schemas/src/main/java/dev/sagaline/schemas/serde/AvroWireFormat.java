package dev.sagaline.schemas.serde;

import dev.sagaline.schemas.registry.RegisteredSchema;
import dev.sagaline.schemas.registry.SchemaRegistry;
import dev.sagaline.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Encodes and decodes one Avro record type in the Schema Registry wire format: magic byte 0, the
 * writer schema's 4-byte big-endian id, then the Avro binary body.
 *
 * <p>Readers resolve the writer's schema by id and read into their own schema, so records written
 * by an older or newer version of a service decode as long as the two schemas are compatible.
 * Every failure is a {@link SerializationException} that names the topic (or other context) and
 * the cause, never a NullPointerException.
 *
 * @param <T> the generated Avro class
 */
public final class AvroWireFormat<T extends SpecificRecord> {

    /** The first byte of every record in this format. */
    public static final byte MAGIC_BYTE = 0;
    /** Magic byte plus schema id. */
    public static final int HEADER_SIZE = 5;

    private final SchemaRegistry registry;
    private final Class<T> type;
    private final Schema readerSchema;
    private final SpecificDatumWriter<T> writer;
    private final Map<String, Integer> idsBySubject = new ConcurrentHashMap<>();
    private final Map<String, Integer> lookedUpBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, DatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
    private final Map<Integer, Conversion> convertersByWriterId = new ConcurrentHashMap<>();
    private final long readerFingerprint;

    public AvroWireFormat(SchemaRegistry registry, Class<T> type) {
        this.registry = registry;
        this.type = type;
        this.readerSchema = GeneratedClasses.schemaOf(type);
        this.writer = new SpecificDatumWriter<>(readerSchema);
        this.readerFingerprint = SchemaNormalization.parsingFingerprint64(readerSchema);
        registry.prime(readerSchema);
    }

    /** The Java class this format reads and writes. */
    public Class<T> type() {
        return type;
    }

    /** The schema this format writes with and reads into. */
    public Schema schema() {
        return readerSchema;
    }

    /**
     * Encodes {@code record}, registering its schema under {@code subject} on first use.
     *
     * @param context names the topic (or other place) in error messages
     */
    public byte[] encode(String subject, T record, String context) {
        return encode(subject, record, context, WriterSchemaChoice.REGISTER);
    }

    /**
     * Encodes {@code record} with the schema {@code choice} picks under {@code subject}.
     *
     * @param context names the topic (or other place) in error messages
     */
    public byte[] encode(String subject, T record, String context, WriterSchemaChoice choice) {
        RegisteredSchema target;
        try {
            target = switch (choice) {
                case REGISTER -> new RegisteredSchema(idsBySubject.computeIfAbsent(subject, s -> registry.register(s, readerSchema)), readerSchema);
                case LOOK_UP -> new RegisteredSchema(lookedUpBySubject.computeIfAbsent(subject, s -> registry.lookUp(s, readerSchema)), readerSchema);
                case LATEST -> registry.latest(subject);
            };
        } catch (SchemaRegistryException e) {
            String verb = choice == WriterSchemaChoice.REGISTER ? "register" : choice == WriterSchemaChoice.LOOK_UP ? "look up" : "find the latest";
            throw new SerializationException(context + ": cannot " + verb + " schema " + readerSchema.getFullName()
                    + " under subject '" + subject + "': " + e.getMessage(), e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        int id = target.id();
        out.write(MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            if (target.schema() == readerSchema || SchemaNormalization.parsingFingerprint64(target.schema()) == readerFingerprint) {
                writer.write(record, encoder);
            } else {
                convertersByWriterId.computeIfAbsent(id, i -> new Conversion(readerSchema, target.schema())).write(record, encoder);
            }
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(context + ": cannot encode " + readerSchema.getFullName()
                    + (target.schema() == readerSchema ? "" : " with schema id " + id + " of subject '" + subject + "'")
                    + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes bytes in the wire format; {@code null} decodes to {@code null} (a tombstone).
     *
     * @param context names the topic (or other place) in error messages
     */
    public T decode(byte[] data, String context) {
        if (data == null) {
            return null;
        }
        int id = schemaId(data, context);
        DatumReader<T> reader;
        try {
            reader = readersByWriterId.computeIfAbsent(id, this::readerFor);
        } catch (SchemaRegistryException e) {
            throw new SerializationException(context + ": unknown writer schema id " + id + ": " + e.getMessage(), e);
        }
        boolean complete;
        T record;
        try {
            BoundedDecoder decoder = BoundedDecoder.of(data, HEADER_SIZE, data.length - HEADER_SIZE);
            record = reader.read(null, decoder);
            complete = decoder.isEnd();
        } catch (IOException | RuntimeException e) {
            // Any failure inside Avro's reader means these bytes are not a record of this schema:
            // bad input for the caller to dead-letter, never a reason to stop.
            throw new SerializationException(context + ": cannot decode " + readerSchema.getFullName()
                    + " written with schema id " + id + " (truncated or corrupt record): " + e, e);
        }
        if (!complete) {
            throw new SerializationException(context + ": " + (data.length - HEADER_SIZE)
                    + "-byte body of schema id " + id + " has trailing bytes");
        }
        return record;
    }

    /**
     * The writer schema's id in the header of {@code data}.
     *
     * @throws SerializationException naming {@code context} when the header is short or its magic byte is not 0
     */
    static int schemaId(byte[] data, String context) {
        if (data.length < HEADER_SIZE) {
            throw new SerializationException(context + ": record of " + data.length
                    + " bytes is shorter than the 5-byte Schema Registry header");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SerializationException(context + ": unknown magic byte " + data[0]
                    + ", expected 0 (Schema Registry wire format)");
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }

    /**
     * Rewrites a record of this type as a record of another version of its schema, by Avro's
     * resolution rules: what the other version lacks is dropped, what it adds takes its default.
     */
    private final class Conversion {
        private final SpecificDatumWriter<T> ownWriter;
        private final GenericDatumReader<Object> resolver;
        private final GenericDatumWriter<Object> targetWriter;

        Conversion(Schema own, Schema target) {
            this.ownWriter = new SpecificDatumWriter<>(own);
            this.resolver = new GenericDatumReader<>(own, target);
            this.targetWriter = new GenericDatumWriter<>(target);
        }

        void write(T record, BinaryEncoder encoder) throws IOException {
            ByteArrayOutputStream own = new ByteArrayOutputStream(128);
            BinaryEncoder ownEncoder = EncoderFactory.get().directBinaryEncoder(own, null);
            ownWriter.write(record, ownEncoder);
            ownEncoder.flush();
            Object converted = resolver.read(null, DecoderFactory.get().binaryDecoder(own.toByteArray(), null));
            targetWriter.write(converted, encoder);
        }
    }

    private DatumReader<T> readerFor(int writerId) {
        Schema writerSchema = registry.schemaById(writerId);
        return new JavaListDatumReader<>(writerSchema, readerSchema);
    }
}
