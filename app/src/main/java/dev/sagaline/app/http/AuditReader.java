package dev.sagaline.app.http;

import dev.sagaline.orchestrator.runtime.AuditTopicReader;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.schemas.serde.SpecificAvroSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The operator API's reads of the audit topic, through the one {@link AuditTopicReader}: one
 * saga's events (only its partition, from a little before it started, so the read does not grow
 * with the topic's age), or every saga's, up to the current end or following new ones.
 */
final class AuditReader {

    /** How far before a saga's start its first event may be stamped (clock skew between instances). */
    private static final Duration START_SLACK = Duration.ofMinutes(5);

    private final String topic;
    private final Map<String, Object> clientProperties;
    private final SpecificAvroSerde<SagaEvent> serde;

    AuditReader(String topic, Map<String, Object> clientProperties, SpecificAvroSerde<SagaEvent> serde) {
        this.topic = topic;
        this.clientProperties = clientProperties;
        this.serde = serde;
    }

    /** The saga's events written so far, in order. */
    List<SagaEvent> eventsOf(String sagaId, Instant startedAt) {
        List<SagaEvent> events = new ArrayList<>();
        Instant notBefore = startedAt == null ? null : startedAt.minus(START_SLACK);
        try (AuditTopicReader reader = AuditTopicReader.ofSaga(topic, clientProperties, serde.deserializer(), sagaId, notBefore)) {
            reader.readToEnd(() -> false, (id, event) -> {
                if (sagaId.equals(id)) {
                    events.add(event);
                }
            });
        }
        return events;
    }

    /**
     * Hands every event to {@code sink}, from the start of the topic (or its end, with
     * {@code fromEnd}), optionally only {@code sagaId}'s; stops at the current end unless
     * {@code follow}, then when {@code stop} says so.
     */
    void stream(String sagaId, boolean fromEnd, boolean follow, BooleanSupplier stop, Consumer<SagaEvent> sink) {
        try (AuditTopicReader reader = fromEnd ? AuditTopicReader.fromEnd(topic, clientProperties, serde.deserializer())
                : AuditTopicReader.fromStart(topic, clientProperties, serde.deserializer())) {
            BiConsumer<String, SagaEvent> handle = (id, event) -> {
                if (sagaId == null || sagaId.equals(id)) {
                    sink.accept(event);
                }
            };
            if (follow) {
                reader.follow(stop, handle);
            } else {
                reader.readToEnd(stop, handle);
            }
        }
    }
}
