package dev.sagaline.schemas.serde;

import dev.sagaline.schemas.registry.SchemaRegistry;
import dev.sagaline.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
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
    private final Map<Integer, DatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();

    public AvroWireFormat(SchemaRegistry registry, Class<T> type) {
        this.registry = registry;
        this.type = type;
        this.readerSchema = SpecificData.get().getSchema(type);
        this.writer = new SpecificDatumWriter<>(readerSchema);
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
        int id;
        try {
            id = idsBySubject.computeIfAbsent(subject, s -> registry.register(s, readerSchema));
        } catch (SchemaRegistryException e) {
            throw new SerializationException(context + ": cannot register schema " + readerSchema.getFullName()
                    + " under subject '" + subject + "': " + e.getMessage(), e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(context + ": cannot encode " + readerSchema.getFullName() + ": " + e.getMessage(), e);
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
        if (data.length < HEADER_SIZE) {
            throw new SerializationException(context + ": record of " + data.length
                    + " bytes is shorter than the 5-byte Schema Registry header");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SerializationException(context + ": unknown magic byte " + data[0]
                    + ", expected 0 (Schema Registry wire format)");
        }
        int id = ByteBuffer.wrap(data, 1, 4).getInt();
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

    private DatumReader<T> readerFor(int writerId) {
        Schema writerSchema = registry.schemaById(writerId);
        return new JavaListDatumReader<>(writerSchema, readerSchema);
    }
}
