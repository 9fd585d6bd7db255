package dev.sagaline.app.testsupport;

import dev.sagaline.orchestrator.runtime.AuditTopicReader;
import dev.sagaline.orchestrator.runtime.SagaEnds;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.schemas.registry.SchemaRegistry;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The orchestrator's audit topic as a {@code read_committed} reader sees it: every saga's events
 * in order, from the point the log was opened. Not thread-safe; read it from the test thread.
 */
public final class AuditLog implements AutoCloseable {

    private final AuditTopicReader reader;
    private final Map<String, List<SagaEvent>> bySaga = new LinkedHashMap<>();

    private AuditLog(String bootstrapServers, String topic, SchemaRegistry registry, boolean fromEnd) {
        Map<String, Object> settings = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        Deserializer<SagaEvent> events = new ProtocolSerdes(registry).events().deserializer();
        this.reader = fromEnd ? AuditTopicReader.fromEnd(topic, settings, events) : AuditTopicReader.fromStart(topic, settings, events);
    }

    /** Reads events written after this call (the topic must exist). */
    public static AuditLog fromNow(String bootstrapServers, String topic, SchemaRegistry registry) {
        return new AuditLog(bootstrapServers, topic, registry, true);
    }

    /** Reads the topic from its beginning (the topic must exist). */
    public static AuditLog fromStart(String bootstrapServers, String topic, SchemaRegistry registry) {
        return new AuditLog(bootstrapServers, topic, registry, false);
    }

    /** Reads what has been committed since the last read. */
    public AuditLog read() {
        reader.poll(Duration.ofMillis(200), (sagaId, event) -> bySaga.computeIfAbsent(sagaId, k -> new ArrayList<>()).add(event));
        return this;
    }

    /**
     * Reads until every one of {@code sagaIds} has a terminal event, then a little longer so that
     * a duplicate terminal event would show.
     *
     * @throws AssertionError naming the sagas still open when {@code timeout} passes
     */
    public AuditLog awaitEnded(Collection<String> sagaIds, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!open(sagaIds).isEmpty()) {
            if (System.nanoTime() > deadline) {
                List<String> open = open(sagaIds);
                throw new AssertionError(open.size() + " of " + sagaIds.size() + " sagas did not end within " + timeout
                        + "; the first: " + open.stream().limit(5).map(id -> id + " " + kinds(id)).toList());
            }
            read();
        }
        long settle = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (System.nanoTime() < settle) {
            read();
        }
        return this;
    }

    /** The sagas of {@code sagaIds} that have no terminal event yet. */
    public List<String> open(Collection<String> sagaIds) {
        return sagaIds.stream().filter(id -> terminalEvents(id).isEmpty()).toList();
    }

    /** How many sagas have a terminal event. */
    public int endedCount() {
        return (int) bySaga.keySet().stream().filter(id -> !terminalEvents(id).isEmpty()).count();
    }

    /** The saga's events, oldest first; empty when none were read. */
    public List<SagaEvent> events(String sagaId) {
        return bySaga.getOrDefault(sagaId, List.of());
    }

    /** The kinds of the saga's events, oldest first. */
    public List<SagaEventKind> kinds(String sagaId) {
        return events(sagaId).stream().map(SagaEvent::getKind).toList();
    }

    /** The saga's terminal events (one, for a saga that ended once). */
    public List<SagaEvent> terminalEvents(String sagaId) {
        return events(sagaId).stream().filter(SagaEnds::ends).toList();
    }

    /** The saga's events about {@code step}, oldest first. */
    public List<SagaEvent> stepEvents(String sagaId, String step) {
        return events(sagaId).stream().filter(e -> step.equals(e.getStep())).toList();
    }

    /** Every saga read, by id, with the kinds of its terminal events. */
    public Map<String, List<SagaEventKind>> terminalKindsBySaga() {
        return bySaga.keySet().stream().collect(Collectors.toMap(id -> id,
                id -> terminalEvents(id).stream().map(SagaEvent::getKind).toList(), (a, b) -> a, LinkedHashMap::new));
    }

    @Override
    public void close() {
        reader.close();
    }
}
