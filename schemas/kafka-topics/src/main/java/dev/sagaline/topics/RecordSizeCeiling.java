package dev.sagaline.topics;

import java.util.Map;
import java.util.Optional;

/**
 * The one rule tying a Sagaline record size limit ({@code sagaline.record.max.bytes} of the
 * orchestrator, {@code sagaline.participant.reply.max.bytes} of a participant) to the producer's
 * {@code max.request.size}. Each checks its records against its own limit before writing them, so
 * that a record too large fails one saga step, not every retry of the exactly-once producer; that
 * only works if the producer would take every record that passes, framing included.
 */
public final class RecordSizeCeiling {

    /** Batch and record framing the producer adds to a record's key and value. */
    public static final int OVERHEAD_BYTES = 1024;

    private static final String MAX_REQUEST_SIZE = "max.request.size";

    private RecordSizeCeiling() {
    }

    /**
     * Why {@code limitKey}={@code limit} does not fit under the {@code max.request.size} (or
     * {@code producer.max.request.size}) set in {@code props}, naming both keys; empty when it fits
     * or neither is set (the producer's default, 1 MiB, is above every limit's default).
     */
    public static Optional<String> conflict(String limitKey, int limit, Map<?, ?> props) {
        for (String producerLimit : new String[] {MAX_REQUEST_SIZE, "producer." + MAX_REQUEST_SIZE}) {
            Object value = props.get(producerLimit);
            if (value != null && value.toString().trim().matches("\\d{1,18}")
                    && Long.parseLong(value.toString().trim()) < (long) limit + OVERHEAD_BYTES) {
                return Optional.of(limitKey + "=" + limit + " must be at least " + OVERHEAD_BYTES + " bytes below "
                        + producerLimit + "=" + value + ", or records checked against it would still be refused by the producer");
            }
        }
        return Optional.empty();
    }
}
