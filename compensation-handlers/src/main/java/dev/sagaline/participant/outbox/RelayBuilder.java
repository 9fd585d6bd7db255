package dev.sagaline.participant.outbox;

import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.Producer;

/**
 * What the builders of both relays take alike: the outbox table's database and schema, and what
 * to publish with (producer settings, or a producer). Declared once, so both relays document,
 * check and refuse these settings the same way.
 *
 * @param <B> the relay's own builder, returned by every setter
 */
abstract class RelayBuilder<B extends RelayBuilder<B>> {

    DataSource dataSource;
    OutboxSchema schema = OutboxSchema.defaults();
    Map<String, ?> producerConfig;
    Producer<String, byte[]> producer;

    RelayBuilder() {
    }

    /** This builder, typed as the relay's own. */
    abstract B self();

    /**
     * The outbox table's database: the polling relay opens one connection per pass, the CDC relay
     * deletes the rows it has published.
     */
    public B dataSource(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        return self();
    }

    /** The table to publish from; {@link OutboxSchema#defaults()} unless set. */
    public B schema(OutboxSchema schema) {
        this.schema = Objects.requireNonNull(schema, "schema");
        return self();
    }

    /**
     * Settings for the producer the relay creates and closes: at least
     * {@code bootstrap.servers}. The relay sets {@code acks=all} and
     * {@code enable.idempotence=true} and refuses settings that contradict them or set a
     * {@code transactional.id}; serializers are its own.
     */
    public B producerConfig(Map<String, ?> producerConfig) {
        this.producerConfig = Map.copyOf(Objects.requireNonNull(producerConfig, "producerConfig"));
        return self();
    }

    /**
     * A producer to publish with instead, such as one wrapped to inject failures in tests, or one
     * the service shares. The relay cannot check it: configure it idempotent with
     * {@code acks=all}. The relay does not close it.
     */
    public B producer(Producer<String, byte[]> producer) {
        this.producer = Objects.requireNonNull(producer, "producer");
        return self();
    }

    /** Fails with {@code message} unless the data source is set. */
    void requireDataSource(String message) {
        if (dataSource == null) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Fails unless exactly one of producer settings and a producer is set, or when the settings are refused. */
    void requireProducer(String relay) {
        RelayProducer.requireOneOf(producerConfig, producer, relay);
    }

    /** The producer given, or a new one from the settings (named {@code clientId}) that the relay owns. */
    RelayProducer openProducer(String clientId) {
        return producer != null ? RelayProducer.borrowed(producer) : RelayProducer.owned(producerConfig, clientId);
    }
}
