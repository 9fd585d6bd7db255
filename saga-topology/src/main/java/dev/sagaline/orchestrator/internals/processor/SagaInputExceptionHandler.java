package dev.sagaline.orchestrator.internals.processor;

import dev.sagaline.orchestrator.errors.InvalidSagaInputException;
import dev.sagaline.protocol.DeadLetterHeaders;
import dev.sagaline.protocol.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' processing exception handler for the orchestrator: an input the orchestrator
 * cannot act on ({@link InvalidSagaInputException}, including a value that did not decode) goes,
 * as it was read, to the dead-letter topic
 * with headers naming the reason and the source topic, partition and offset, and processing goes
 * on; any other exception is a defect and stops the task, so it is never silently skipped.
 *
 * <p>The headers are the {@link DeadLetterHeaders} every Sagaline dead letter carries (reason
 * {@link DeadLetterReason#INVALID_INPUT}, the exception's message as the detail), plus those of
 * Kafka Streams' own dead-letter records (KIP-1034).
 */
public final class SagaInputExceptionHandler implements ProcessingExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(SagaInputExceptionHandler.class);

    private String deadLetterTopic;
    private DeadLetterMeter deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null || topic.toString().isBlank()) {
            throw new IllegalArgumentException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG
                    + " must name the dead-letter topic for " + SagaInputExceptionHandler.class.getSimpleName());
        }
        this.deadLetterTopic = topic.toString();
        this.deadLetters = DeadLetterMeter.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        InvalidSagaInputException invalid = invalidInput(exception);
        if (invalid == null) {
            return Response.fail();
        }
        log.warn("dead-lettering record from {}-{}@{}: {}", context.topic(), context.partition(), context.offset(), invalid.getMessage());
        DeadLetterReason reason = undecodable(invalid) ? DeadLetterReason.UNDECODABLE : DeadLetterReason.INVALID_INPUT;
        deadLetters.count(reason, context.topic());
        RecordHeaders headers = new RecordHeaders(context.headers().toArray());
        DeadLetterHeaders.write(headers, reason, invalid.getMessage(), invalid,
                context.topic(), context.partition(), context.offset());
        headers.add("__streams.errors.exception", bytes(invalid.getClass().getName()));
        headers.add("__streams.errors.message", bytes(invalid.getMessage()));
        headers.add("__streams.errors.topic", bytes(context.topic()));
        headers.add("__streams.errors.partition", bytes(String.valueOf(context.partition())));
        headers.add("__streams.errors.offset", bytes(String.valueOf(context.offset())));
        return Response.resume(List.of(new ProducerRecord<>(deadLetterTopic, null, context.sourceRawKey(), context.sourceRawValue(), headers)));
    }

    private static InvalidSagaInputException invalidInput(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidSagaInputException invalid) {
                return invalid;
            }
        }
        return null;
    }

    private static boolean undecodable(InvalidSagaInputException invalid) {
        return invalid.getCause() instanceof SerializationException;
    }

    private static byte[] bytes(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
