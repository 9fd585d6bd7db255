package dev.sagaline.participant.internals;

import dev.sagaline.protocol.DeadLetterHeaders;
import dev.sagaline.protocol.DeadLetterReason;
import dev.sagaline.schemas.registry.SchemaRegistryUnavailableException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a command that does not deserialize to the dead-letter topic named by Kafka Streams'
 * {@code errors.dead.letter.queue.topic.name} (KIP-1034) and lets processing go on. Kafka Streams
 * produces the returned record with the task's producer, so with exactly-once it commits in the
 * same transaction as the skipped record's offset. The record keeps its original key, value and
 * headers and gains the {@link DeadLetterHeaders}.
 *
 * <p>Public only because Kafka Streams instantiates it by class name.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    private String deadLetterTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null || topic.toString().isBlank()) {
            throw new ConfigException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topic,
                    DeadLetterDeserializationHandler.class.getName() + " needs a dead-letter topic");
        }
        deadLetterTopic = topic.toString();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (SchemaRegistryUnavailableException.isCauseOf(exception)) {
            // Not bad input: the command may be valid. Failing the thread reads it again later.
            log.error("Command at {}-{}@{} not decoded because the schema registry is unavailable; failing the stream thread to read it again",
                    record.topic(), record.partition(), record.offset());
            return Response.fail();
        }
        log.warn("Command at {}-{}@{} does not deserialize; sending it to dead-letter topic {}",
                record.topic(), record.partition(), record.offset(), deadLetterTopic, exception);
        Headers headers = new RecordHeaders(record.headers().toArray());
        DeadLetterHeaders.write(headers, DeadLetterReason.UNDECODABLE, String.valueOf(exception.getMessage()), exception,
                record.topic(), record.partition(), record.offset());
        return Response.resume(List.of(new ProducerRecord<>(deadLetterTopic, null, record.timestamp(),
                record.key(), record.value(), headers)));
    }
}
