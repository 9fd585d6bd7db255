package dev.sagaline.orchestrator.internals.processor;

import dev.sagaline.protocol.DeadLetterHeaders;
import dev.sagaline.protocol.DeadLetterReason;
import dev.sagaline.schemas.registry.SchemaRegistryUnavailableException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' deserialization handler for the orchestrator. The sources hand a value that does
 * not decode to the coordinator ({@link UndecodableInput}), which dead-letters it and notes it on
 * the saga its key names; what still fails in a source lands here. Such a record is bad input and
 * goes to the dead-letter topic (Kafka Streams' own handling, KIP-1034), except
 * when the schema registry could not be asked ({@link SchemaRegistryUnavailableException}): then
 * the record may be perfectly valid, so the stream thread fails instead, and is replaced
 * ({@code SagalineApp}), and reads the record again; nothing valid is dead-lettered during a
 * registry outage. The dead letter carries the {@link DeadLetterHeaders} (reason
 * {@link DeadLetterReason#UNDECODABLE}) besides Kafka Streams' own headers.
 *
 * <p>Public only because Kafka Streams instantiates it by class name.
 */
public final class SagaDeserializationHandler extends LogAndContinueExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(SagaDeserializationHandler.class);

    private DeadLetterMeter deadLetters = DeadLetterMeter.from(Map.of());

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        this.deadLetters = DeadLetterMeter.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (SchemaRegistryUnavailableException.isCauseOf(exception)) {
            log.error("record {}-{}@{} not decoded because the schema registry is unavailable; failing the stream thread to read it again",
                    record.topic(), record.partition(), record.offset());
            return Response.fail();
        }
        Response response = super.handleError(context, record, exception);
        if (response.result() == Result.RESUME) {
            deadLetters.count(DeadLetterReason.UNDECODABLE, record.topic());
            response.deadLetterQueueRecords().forEach(deadLetter -> DeadLetterHeaders.write(deadLetter.headers(),
                    DeadLetterReason.UNDECODABLE, exception.getMessage(), exception, record.topic(), record.partition(), record.offset()));
        }
        return response;
    }
}
