package dev.sagaline.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.topics.AbandonedTransactionFence;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fence of abandoned transactions on a broker that enforces ACLs, logged in as a user with
 * only the grants the ACL guide gives a Kafka Streams application for its group and transactional
 * ids (READ on the group, WRITE on the {@code <application.id>-} transactional ids): it lists the
 * open transactions and the members, fences the transaction of a process that is not a member,
 * and leaves the transaction of a member's process alone.
 */
@Tag("integration")
@Timeout(180)
class AbandonedTransactionFenceSecuredIT {

    private static final String APP = "fence-secured";
    private static final String TOPIC = "fence-secured.input";

    @Test
    void fencesOnlyTheDeadProcessesTransactionWithTheGrantsKafkaStreamsNeedsAnyway() throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().secured().build().start()) {
            broker.createTopics(Map.of(TOPIC, 2));
            String password = broker.createUser(APP);
            broker.createAcls(List.of(
                    allow(AclOperation.READ, new ResourcePattern(ResourceType.GROUP, APP, PatternType.LITERAL)),
                    allow(AclOperation.WRITE, new ResourcePattern(ResourceType.TRANSACTIONAL_ID, APP + "-", PatternType.PREFIXED))));
            String live = UUID.randomUUID().toString();
            KafkaProducer<byte[], byte[]> dead = openTransaction(broker, APP + "-" + UUID.randomUUID() + "-1", 0);
            try (AutoCloseable abandoned = () -> dead.close(Duration.ZERO);
                 KafkaConsumer<byte[], byte[]> liveMember = member(broker, APP + "-" + live + "-StreamThread-1-consumer");
                 KafkaProducer<byte[], byte[]> liveProducer = openTransaction(broker, APP + "-" + live + "-1", 1)) {
                try (KafkaProducer<byte[], byte[]> plain = new KafkaProducer<>(broker.clientConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
                    plain.send(new ProducerRecord<>(TOPIC, 0, null, new byte[] {1})).get();
                }
                Thread.sleep(1_500); // both transactions older than the session timeout below at the first look, so membership alone spares the live one

                Map<String, Object> streams = new HashMap<>(broker.clientConfig(APP, password));
                streams.put("application.id", APP);
                streams.put("processing.guarantee", "exactly_once_v2");
                streams.put("session.timeout.ms", 1_000);
                try (AbandonedTransactionFence fence = AbandonedTransactionFence.forStreams(true, streams, List::of).orElseThrow()) {
                    fence.onStreamsState("REBALANCING");
                    await().atMost(Duration.ofSeconds(15)).until(() -> committedRecords(broker, new TopicPartition(TOPIC, 0)) == 1);
                }
                liveProducer.commitTransaction(); // throws if the member's transaction was fenced
                assertThat(liveMember.assignment()).as("the live member's partitions").isNotEmpty();
            }
        }
    }

    private static AclBinding allow(AclOperation operation, ResourcePattern resource) {
        return new AclBinding(resource, new AccessControlEntry("User:" + APP, "*", operation, AclPermissionType.ALLOW));
    }

    /** A member of the application's group whose client id names a Kafka Streams process. */
    private static KafkaConsumer<byte[], byte[]> member(LocalKafkaBroker broker, String clientId) {
        Map<String, Object> settings = new HashMap<>(broker.clientConfig());
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, APP);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(TOPIC));
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            consumer.poll(Duration.ofMillis(200));
            return !consumer.assignment().isEmpty();
        });
        return consumer;
    }

    private static KafkaProducer<byte[], byte[]> openTransaction(LocalKafkaBroker broker, String transactionalId, int partition) throws Exception {
        Map<String, Object> settings = new HashMap<>(broker.clientConfig());
        settings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        settings.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 300_000);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(TOPIC, partition, null, new byte[] {0})).get();
        return producer;
    }

    /** How many records of {@code partition} a read_committed reader gets from the start in one second. */
    private static int committedRecords(LocalKafkaBroker broker, TopicPartition partition) {
        Map<String, Object> settings = new HashMap<>(broker.clientConfig());
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            reader.assign(List.of(partition));
            reader.seekToBeginning(List.of(partition));
            int read = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < deadline) {
                read += reader.poll(Duration.ofMillis(200)).count();
            }
            return read;
        }
    }
}
