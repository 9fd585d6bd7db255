package dev.sagaline.participant.outbox;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The producer a relay publishes with, configured once so both relays promise the same delivery,
 * and whether the relay created it (and so closes it) or was given it.
 */
final class RelayProducer {

    private final Producer<String, byte[]> producer;
    private final boolean owned;

    private RelayProducer(Producer<String, byte[]> producer, boolean owned) {
        this.producer = producer;
        this.owned = owned;
    }

    /** A producer the relay creates from {@code configured} and closes with itself. */
    static RelayProducer owned(Map<String, ?> configured, String clientId) {
        return new RelayProducer(create(configured, clientId), true);
    }

    /** A producer the caller gave and keeps: the relay never closes it. */
    static RelayProducer borrowed(Producer<String, byte[]> producer) {
        return new RelayProducer(producer, false);
    }

    Producer<String, byte[]> producer() {
        return producer;
    }

    /** Closes the producer if the relay created it; a borrowed one stays open for its owner. */
    void release(Duration timeout) {
        if (owned) {
            producer.close(timeout);
        }
    }

    /** Fails unless exactly one of producer settings and a producer was given to {@code relay}'s builder. */
    static void requireOneOf(Map<String, ?> producerConfig, Producer<String, byte[]> producer, String relay) {
        if ((producerConfig == null) == (producer == null)) {
            throw new IllegalArgumentException("give the " + relay + " either producerConfig(...) or producer(...), "
                    + (producer == null ? "not neither" : "not both"));
        }
        if (producerConfig != null) {
            settings(producerConfig, relay);
        }
    }

    /** An idempotent {@code acks=all} producer of string keys and byte values, from the caller's settings. */
    static Producer<String, byte[]> create(Map<String, ?> configured, String clientId) {
        return new KafkaProducer<>(settings(configured, clientId), new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * The caller's producer settings with the ones the relay's guarantees depend on: an
     * idempotent producer with {@code acks=all}, so an acknowledged message is on every in-sync
     * replica and a retried send does not duplicate or reorder it within a partition.
     */
    static Map<String, Object> settings(Map<String, ?> configured, String clientId) {
        Map<String, Object> settings = new HashMap<>(configured);
        if (settings.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) == null) {
            throw new IllegalArgumentException("outbox relay producer setting " + ProducerConfig.BOOTSTRAP_SERVERS_CONFIG
                    + " is required");
        }
        Object acks = settings.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        if (acks != null && !acks.toString().equals("all") && !acks.toString().equals("-1")) {
            throw new IllegalArgumentException("outbox relay producer setting " + ProducerConfig.ACKS_CONFIG + "=" + acks
                    + " is not allowed: the relay marks a message published once it is acknowledged, which must mean "
                    + "acks=all or a broker failure could lose it; remove the setting");
        }
        Object idempotence = settings.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        if (idempotence != null && !idempotence.toString().equalsIgnoreCase("true")) {
            throw new IllegalArgumentException("outbox relay producer setting " + ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG
                    + "=" + idempotence + " is not allowed: without idempotence a retried send can duplicate or reorder "
                    + "messages within a partition; remove the setting");
        }
        Object transactionalId = settings.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        if (transactionalId != null) {
            throw new IllegalArgumentException("outbox relay producer setting " + ProducerConfig.TRANSACTIONAL_ID_CONFIG
                    + "=" + transactionalId + " is not allowed: the relay publishes without Kafka transactions (the database transaction is the "
                    + "atomic unit; consumers deduplicate by message id); remove the setting");
        }
        settings.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return settings;
    }

}
