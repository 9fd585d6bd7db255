package dev.sagaline.schemas.serde;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * How many bytes a record's Avro binary body takes, for the checks that refuse a record too large
 * for Kafka before anything is written (the orchestrator's saga states, commands and events, a
 * participant's replies). Those checks run on every record, so they first add up {@link #atMost},
 * a cheap upper bound (every string at three bytes a character, every length prefix at five bytes,
 * every number at ten), and encode the record ({@link #of}) only when that bound is over their limit.
 * The Schema Registry header adds {@value #WIRE_HEADER} bytes to either.
 */
public final class EncodedSize {

    /** The Schema Registry wire format's header: magic byte and schema id. */
    public static final int WIRE_HEADER = 5;

    private EncodedSize() {
    }

    /** At least as many bytes as Avro's binary encoding of {@code record} takes; no encoding is done. */
    public static long atMost(IndexedRecord record) {
        return bound(record, record.getSchema());
    }

    /** The number of bytes Avro's binary encoding of {@code record} takes, by encoding it. */
    public static long of(SpecificRecord record) {
        CountingStream out = new CountingStream();
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.count;
    }

    private static long bound(Object value, Schema schema) {
        return switch (schema.getType()) {
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) value;
                long sum = 0;
                for (Schema.Field field : schema.getFields()) {
                    sum += bound(record.get(field.pos()), field.schema());
                }
                yield sum;
            }
            case UNION -> value == null ? 5 : 5 + bound(value, branch(schema, value));
            case STRING -> 5 + 3L * ((CharSequence) value).length();
            case BYTES -> 5 + ((ByteBuffer) value).remaining();
            case FIXED -> schema.getFixedSize();
            case ARRAY -> {
                long sum = 10;
                for (Object element : (Iterable<?>) value) {
                    sum += bound(element, schema.getElementType());
                }
                yield sum;
            }
            case MAP -> {
                long sum = 10;
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    sum += 5 + 3L * entry.getKey().toString().length() + bound(entry.getValue(), schema.getValueType());
                }
                yield sum;
            }
            default -> 10;
        };
    }

    /** The union branch a non-null value is written with: its record type, or the one non-null branch. */
    private static Schema branch(Schema union, Object value) {
        Schema nonNull = null;
        for (Schema branch : union.getTypes()) {
            if (value instanceof IndexedRecord record && branch.getType() == Schema.Type.RECORD) {
                // The generated classes share their schema instances, so identity answers almost always.
                if (branch == record.getSchema() || branch.getFullName().equals(record.getSchema().getFullName())) {
                    return branch;
                }
            } else if (branch.getType() != Schema.Type.NULL) {
                nonNull = branch;
            }
        }
        if (nonNull == null) {
            throw new IllegalStateException("no branch of " + union + " for a " + value.getClass().getName());
        }
        return nonNull;
    }

    private static final class CountingStream extends OutputStream {
        private long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
