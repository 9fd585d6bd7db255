package dev.sagaline.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers the orchestrator and every participant add to a record they write to a dead-letter
 * topic, written and read only here. The record keeps its original key, value and headers, so it
 * can be re-published to the topic it came from once the cause is fixed; the orchestrator also
 * keeps Kafka Streams' own {@code __streams.errors.*} headers (KIP-1034).
 *
 * <pre>{@code
 * DeadLetterReason reason = DeadLetterHeaders.reason(record.headers()).orElseThrow();
 * String why = DeadLetterHeaders.detail(record.headers()).orElse("");
 * }</pre>
 */
public final class DeadLetterHeaders {

    /** A {@link DeadLetterReason} name. */
    public static final String REASON = "sagaline.dlq.reason";
    /** A human-readable explanation naming the saga, step, action or exception concerned. */
    public static final String DETAIL = "sagaline.dlq.detail";
    /** The class name of the exception that made the record unusable, when there was one. */
    public static final String EXCEPTION = "sagaline.dlq.exception";
    /** The topic the record was read from. */
    public static final String SOURCE_TOPIC = "sagaline.dlq.source.topic";
    /** The partition the record was read from, as decimal text. */
    public static final String SOURCE_PARTITION = "sagaline.dlq.source.partition";
    /** The offset the record was read from, as decimal text. */
    public static final String SOURCE_OFFSET = "sagaline.dlq.source.offset";

    private DeadLetterHeaders() {
    }

    /**
     * Writes the reason, the detail and where the record was read, replacing any earlier value of
     * these headers (a record dead-lettered twice keeps only the latest reason).
     *
     * @param exception the exception that made the record unusable; null when there was none
     * @return {@code headers}, for chaining
     */
    public static Headers write(Headers headers, DeadLetterReason reason, String detail, Exception exception,
            String topic, int partition, long offset) {
        Objects.requireNonNull(reason, "reason");
        put(headers, REASON, reason.name());
        put(headers, DETAIL, String.valueOf(detail));
        if (exception != null) {
            put(headers, EXCEPTION, exception.getClass().getName());
        } else {
            headers.remove(EXCEPTION);
        }
        put(headers, SOURCE_TOPIC, String.valueOf(topic));
        put(headers, SOURCE_PARTITION, Integer.toString(partition));
        put(headers, SOURCE_OFFSET, Long.toString(offset));
        return headers;
    }

    /** The reason the headers give; empty when there is none or its name is not one this version knows. */
    public static Optional<DeadLetterReason> reason(Headers headers) {
        return text(headers, REASON).flatMap(name -> Arrays.stream(DeadLetterReason.values())
                .filter(reason -> reason.name().equals(name)).findFirst());
    }

    /** The human-readable explanation, if the headers carry one. */
    public static Optional<String> detail(Headers headers) {
        return text(headers, DETAIL);
    }

    /** The topic the record was read from, if the headers name it. */
    public static Optional<String> sourceTopic(Headers headers) {
        return text(headers, SOURCE_TOPIC);
    }

    private static Optional<String> text(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        return header == null || header.value() == null ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static void put(Headers headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
