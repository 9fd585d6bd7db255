package dev.sagaline.orchestrator.internals.processor;

import dev.sagaline.orchestrator.internals.statemachine.SagaDecision;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.schemas.serde.EncodedSize;
import org.apache.avro.specific.SpecificRecord;

/**
 * Finds, before anything is written, a decision whose saga state, command or event would be
 * larger than a Kafka record may be ({@value SagalineConfig#RECORD_MAX_BYTES_CONFIG}). Written, such
 * a record fails in the record collector with a {@code RecordTooLargeException} that stops the
 * stream thread, and again on every restart, since the input that caused it is read again.
 *
 * <p>It runs on every decision, so it first adds up a cheap upper bound of each record's encoded
 * size and encodes a record only when that bound is over the limit ({@link EncodedSize}).
 */
final class RecordSizeLimit {

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
        if (keyBytes + EncodedSize.WIRE_HEADER + EncodedSize.atMost(record) <= maxBytes) {
            return null;
        }
        long exact = keyBytes + EncodedSize.WIRE_HEADER + EncodedSize.of(record);
        if (exact <= maxBytes) {
            return null;
        }
        return what + " would take " + exact + " bytes, which would exceed the record size limit of " + maxBytes
                + " bytes (" + SagalineConfig.RECORD_MAX_BYTES_CONFIG + ")";
    }
}
