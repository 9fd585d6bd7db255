package dev.sagaline.orchestrator.internals.processor;

import dev.sagaline.orchestrator.internals.statemachine.SagaDecision;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.protocol.v1.SagaEvent;
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
 * Finds, before anything is written, a decision whose saga state, command or event would be
 * larger than a Kafka record may be ({@value SagalineConfig#RECORD_MAX_BYTES_CONFIG}). Written, such
 * a record fails in the record collector with a {@code RecordTooLargeException} that stops the
 * stream thread, and again on every restart, since the input that caused it is read again.
 *
 * <p>It runs on every decision, so it first adds up a cheap upper bound of each record's encoded
 * size (every string at three bytes a character, every length prefix at five bytes) and encodes a
 * record only when that bound is over the limit.
 */
final class RecordSizeLimit {

    /** The Schema Registry header: magic byte and schema id. */
    private static final int HEADER = 5;

    private final int maxBytes;

    RecordSizeLimit(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Why {@code decision} cannot be written, or null when every record it writes fits. */
    String check(String sagaId, SagaDecision decision) {
        int key = sagaId == null ? 0 : sagaId.length() * 3;
        if (decision.state() != null) {
            String problem = check(key, decision.state(), "the saga's state");
            if (problem != null) {
                return problem;
            }
        }
        for (SagaDecision.OutgoingCommand command : decision.commands()) {
            String problem = check(key, command.command(), "the " + command.command().getAction() + " command of step '"
                    + command.command().getStep() + "'");
            if (problem != null) {
                return problem;
            }
        }
        for (SagaEvent event : decision.events()) {
            String problem = check(key, event, "the " + event.getKind() + " event");
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private String check(int keyBytes, SpecificRecord record, String what) {
        if (keyBytes + HEADER + bound(record, record.getSchema()) <= maxBytes) {
            return null;
        }
        long exact = keyBytes + HEADER + encodedSize(record);
        if (exact <= maxBytes) {
            return null;
        }
        return what + " would take " + exact + " bytes, which would exceed the record size limit of " + maxBytes
                + " bytes (" + SagalineConfig.RECORD_MAX_BYTES_CONFIG + ")";
    }

    /** At least the number of bytes Avro's binary encoding of {@code value} takes. */
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

    private static long encodedSize(SpecificRecord record) {
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
