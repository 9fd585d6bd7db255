package dev.sagaline.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sagaline.localkafka.CommittedRecords;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localkafka.LocalKafkaExtension;
import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.internals.processor.SagaCoordinator;
import dev.sagaline.orchestrator.it.support.OrchestratorSettings;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.participant.Participant;
import dev.sagaline.participant.StepResult;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import dev.sagaline.schemas.serde.ReplyAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.CRC32;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that do not hash keys as Java does still reach their sagas. Sagas started by a
 * CRC32-partitioning producer (as librdkafka's default, consistent_random, places keys) are
 * answered by the participant library on the partition each command names in its headers; and
 * replies a CRC32-partitioning participant writes, ignoring the headers, are moved by the
 * orchestrator to their saga's partition instead of being dead-lettered.
 */
@Tag("integration")
@ExtendWith(LocalKafkaExtension.class)
@Timeout(180)
class ReplyRoutingIT {

    private static final String PREFIX = "routing-it";
    private static final int PARTITIONS = 4;
    private static final int SAGAS = 40;
    private static final SagaDefinition ADDRESSED = SagaDefinition.named("addressed")
            .step("book").on(PREFIX + ".library").pivot().timeout(Duration.ofSeconds(60)).build();
    private static final SagaDefinition MISROUTED = SagaDefinition.named("misrouted")
            .step("book").on(PREFIX + ".foreign").pivot().timeout(Duration.ofSeconds(60)).build();

    @TempDir
    Path stateDir;

    @AutoClose
    private SagalineApp app;
    @AutoClose
    private Participant participant;

    @Test
    void repliesReachTheirSagasWhateverPartitionerTheClientsUse(LocalKafkaBroker broker) {
        Map<String, Object> settings = OrchestratorSettings.forPrefix(broker.bootstrapServers(), PREFIX, stateDir.resolve("orchestrator"));
        settings.put(SagalineConfig.TOPIC_PARTITIONS_CONFIG, PARTITIONS);
        app = SagalineApp.start(SagalineConfig.of(settings), SagaDefinitions.of(ADDRESSED, MISROUTED)).awaitRunning(Duration.ofSeconds(90));
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scoped(PREFIX);
        participant = Participant.builder().applicationId(PREFIX + "-library").bootstrapServers(broker.bootstrapServers())
                .commandTopic(PREFIX + ".library").schemaRegistry(registry)
                .property(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("participant").toString())
                .onDo("book", SagaRequest.class, (input, context) -> StepResult.succeeded())
                .build();
        participant.start();
        ProtocolSerdes serdes = new ProtocolSerdes(registry);
        List<String> addressed = IntStream.range(0, SAGAS).mapToObj(i -> "addressed-" + i).toList();
        List<String> misrouted = IntStream.range(0, SAGAS).mapToObj(i -> "misrouted-" + i).toList();
        assertThat(addressed).as("some keys CRC32 places elsewhere than murmur2").anyMatch(id -> crc32Partition(id) != murmur2Partition(id));
        assertThat(misrouted).as("some keys CRC32 places elsewhere than murmur2").anyMatch(id -> crc32Partition(id) != murmur2Partition(id));

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(broker.clientConfig(), new StringSerializer(), new ByteArraySerializer())) {
            addressed.forEach(id -> producer.send(new ProducerRecord<>(PREFIX + ".requests", crc32Partition(id), id, start(serdes, id, "addressed"))));
            misrouted.forEach(id -> producer.send(new ProducerRecord<>(PREFIX + ".requests", id, start(serdes, id, "misrouted"))));
            producer.flush();
            String foreign = PREFIX + ".foreign";
            await().atMost(Duration.ofSeconds(60)).until(() -> CommittedRecords.of(broker, foreign).size() >= SAGAS);
            for (ConsumerRecord<String, byte[]> record : CommittedRecords.of(broker, foreign)) {
                StepCommand command = serdes.commands().deserialize(foreign, record.value());
                assertThat(ReplyAddress.readFrom(record.headers())).as("reply address of %s", command.getSagaId())
                        .contains(new ReplyAddress(PREFIX + ".replies", murmur2Partition(command.getSagaId())));
                StepReply reply = StepReply.newBuilder().setCommandId(command.getCommandId()).setSagaId(command.getSagaId())
                        .setStep(command.getStep()).setAction(command.getAction()).setAttempt(command.getAttempt())
                        .setOutcome(StepOutcome.SUCCEEDED).setRepliedAtMs(Instant.now()).build();
                // A participant that ignores the headers and hashes as librdkafka does.
                producer.send(new ProducerRecord<>(command.getReplyTopic(), crc32Partition(command.getSagaId()), command.getSagaId(),
                        serdes.replies().serialize(command.getReplyTopic(), reply)));
            }
            producer.flush();
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(endings(broker, serdes)).as("how each saga ended").hasSize(2 * SAGAS)
                        .allSatisfy((saga, kind) -> assertThat(kind).as(saga).isEqualTo(SagaEventKind.COMPLETED)));
        assertThat(CommittedRecords.of(broker, PREFIX + ".dead-letter")).isEmpty();
        assertThat(CommittedRecords.of(broker, PREFIX + ".replies")).as("replies the orchestrator moved")
                .anyMatch(r -> r.headers().lastHeader(SagaCoordinator.REROUTED_FROM_HEADER) != null);
    }

    private static byte[] start(ProtocolSerdes serdes, String id, String type) {
        return serdes.requests().serialize(PREFIX + ".requests",
                SagaRequest.newBuilder().setSagaId(id).setBody(StartSaga.newBuilder().setSagaType(type).build()).build());
    }

    private static Map<String, SagaEventKind> endings(LocalKafkaBroker broker, ProtocolSerdes serdes) {
        return CommittedRecords.of(broker, PREFIX + ".events").stream()
                .map(r -> serdes.events().deserialize(r.topic(), r.value()))
                .filter(e -> e.getKind() == SagaEventKind.COMPLETED || e.getKind() == SagaEventKind.COMPENSATED)
                .collect(Collectors.toMap(SagaEvent::getSagaId, SagaEvent::getKind, (a, b) -> a));
    }

    /** The partition librdkafka's default partitioner (consistent_random) gives a non-empty key. */
    private static int crc32Partition(String key) {
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % PARTITIONS);
    }

    private static int murmur2Partition(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }
}
