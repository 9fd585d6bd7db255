package dev.sagaline.participant.outbox;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One message to publish to Kafka, written to the outbox in the same database transaction as the
 * change it announces.
 *
 * <p>The {@link #id()} travels with the record as the {@value #ID_HEADER} header. Publishing is
 * at least once (a relay that dies after the broker acknowledged a message and before it marked
 * the row sends it again), so consumers drop a message whose id they have already handled. The
 * orchestrator already does this for replies, by the {@code commandId} inside every
 * {@code StepReply}.
 *
 * @param id unique among the outbox's messages, at most {@value #MAX_ID_LENGTH} characters; for
 *     example the id of the domain event, or a command id for a reply
 * @param topic the Kafka topic to publish to
 * @param key the record key (a saga id, an aggregate id), at most {@value #MAX_KEY_LENGTH}
 *     characters; null lets the producer spread records over partitions
 * @param value the record value, already serialized; null publishes a tombstone
 * @param headers headers to add to the record, in order; their values are sent as UTF-8. Never
 *     null; the relay adds {@value #ID_HEADER} itself
 * @param createdAt when the message was written, for operators reading the table; Kafka stamps
 *     the record with the time it is sent, so a backlog published late does not land behind the
 *     topic's retention
 */
public record OutboxMessage(String id, String topic, String key, byte[] value, Map<String, String> headers, Instant createdAt) {

    /** The header carrying {@link #id()} on every published record: what consumers deduplicate on. */
    public static final String ID_HEADER = "sagaline.outbox.id";
    /** The longest {@link #id()} the outbox table holds. */
    public static final int MAX_ID_LENGTH = 200;
    /** The longest {@link #key()} the outbox table holds. */
    public static final int MAX_KEY_LENGTH = 1000;
    /** Kafka's own limit on topic names. */
    public static final int MAX_TOPIC_LENGTH = 249;

    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1," + MAX_TOPIC_LENGTH + "}");

    public OutboxMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(createdAt, "createdAt");
        if (id.isBlank() || id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("outbox message id '" + id + "' must be non-blank and at most "
                    + MAX_ID_LENGTH + " characters");
        }
        if (!TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException("outbox message " + id + ": topic '" + topic + "' is not a valid Kafka topic "
                    + "name (letters, digits, '.', '_', '-', at most " + MAX_TOPIC_LENGTH + " characters)");
        }
        if (key != null && key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("outbox message " + id + ": the key has " + key.length()
                    + " characters, more than the " + MAX_KEY_LENGTH + " the outbox table holds");
        }
        value = value == null ? null : value.clone();
        headers = copyOf(id, headers);
    }

    /** A message without headers. */
    public static OutboxMessage of(String id, String topic, String key, byte[] value, Instant createdAt) {
        return new OutboxMessage(id, topic, key, value, Map.of(), createdAt);
    }

    /** A copy with one more header, or with {@code name} set to a new value. */
    public OutboxMessage withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new OutboxMessage(id, topic, key, this.value, more, createdAt);
    }

    /** A copy of the value bytes, so the message stays immutable. */
    @Override
    public byte[] value() {
        return value == null ? null : value.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OutboxMessage
                && id.equals(((OutboxMessage) other).id)
                && topic.equals(((OutboxMessage) other).topic)
                && Objects.equals(key, ((OutboxMessage) other).key)
                && Arrays.equals(value, ((OutboxMessage) other).value)
                && headers.equals(((OutboxMessage) other).headers)
                && createdAt.equals(((OutboxMessage) other).createdAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, topic, key, Arrays.hashCode(value), headers, createdAt);
    }

    /** Shows the value's size, not its bytes, which are usually binary and possibly large. */
    @Override
    public String toString() {
        return "OutboxMessage[id=" + id + ", topic=" + topic + ", key=" + key + ", value="
                + (value == null ? "null" : value.length + " bytes") + ", headers=" + headers + ", createdAt=" + createdAt + "]";
    }

    private static Map<String, String> copyOf(String id, Map<String, String> headers) {
        if (headers == null || headers.isEmpty()) {
            return Map.of();
        }
        Map<String, String> copy = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (name == null || name.isEmpty() || value == null) {
                throw new IllegalArgumentException("outbox message " + id + ": header names must be non-empty and values "
                        + "non-null, got " + name + "=" + value);
            }
            if (name.equals(ID_HEADER)) {
                throw new IllegalArgumentException("outbox message " + id + ": header " + ID_HEADER
                        + " is set by the relay from the message id; do not set it yourself");
            }
            copy.put(name, value);
        });
        return Collections.unmodifiableMap(copy);
    }
}
