package dev.sagaline.participant;

import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVE_STOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.sagaline.localkafka.LocalKafka;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.participant.example.ReserveStock;
import dev.sagaline.participant.testsupport.CommandSpec;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.participant.testsupport.TopicRecords;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real broker, with a retention of two seconds: a compensation arriving long after the
 * retention still runs the handler, because the saga has not finished; the FORGET notice gets no
 * reply and starts the retention, after which the step is forgotten.
 */
@Tag("integration")
@LocalKafka
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FinishNoticeIT {

    private static final String COMMANDS = "forget.inventory.commands";
    private static final String REPLIES = "forget.checkout.replies";
    private static final String DEAD_LETTERS = "forget.inventory.dlq";
    private static final Duration RETENTION = Duration.ofSeconds(2);
    private static final ReserveStock ORDER = new ReserveStock("o-1", "sku-42", 2);

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final ProtocolSerdes serdes = new ProtocolSerdes(registry);
    private final RecordingHandlers inventory = new RecordingHandlers();

    @TempDir
    Path stateDir;

    @Test
    void keepsAnUnfinishedSagasStepPastTheRetentionAndForgetsItOneRetentionAfterTheNotice(LocalKafkaBroker kafka) throws Exception {
        kafka.createTopics(Map.of(COMMANDS, 1, REPLIES, 1, DEAD_LETTERS, 1));
        try (Participant participant = participant(kafka);
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TopicRecords.producerConfig(kafka))) {
            participant.start();
            participant.awaitRunning(Duration.ofSeconds(60));

            send(producer, command("c-1", StepAction.DO, ORDER));
            awaitReplies(kafka, 1);
            Thread.sleep(RETENTION.multipliedBy(2).toMillis());
            send(producer, command("c-2", StepAction.COMPENSATE, RecordingHandlers.reservationFor(ORDER)));
            awaitReplies(kafka, 2);
            assertThat(inventory.calls(StepAction.COMPENSATE)).as("the compensation ran, not an empty rollback").isEqualTo(1);

            send(producer, command("f-1", StepAction.FORGET, null));
            Thread.sleep(RETENTION.multipliedBy(2).toMillis());
            send(producer, command("c-1", StepAction.DO, ORDER));
            awaitReplies(kafka, 3);

            assertThat(inventory.calls(StepAction.DO)).as("the step was forgotten after the notice's retention").isEqualTo(2);
        }
        assertThat(replies(kafka)).extracting(StepReply::getCommandId, StepReply::getOutcome).containsExactly(
                tuple("c-1", StepOutcome.SUCCEEDED), tuple("c-2", StepOutcome.SUCCEEDED), tuple("c-1", StepOutcome.SUCCEEDED));
        assertThat(TopicRecords.committed(kafka, DEAD_LETTERS)).isEmpty();
    }

    private void awaitReplies(LocalKafkaBroker kafka, int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> replies(kafka).size() >= count);
    }

    private List<StepReply> replies(LocalKafkaBroker kafka) {
        return TopicRecords.committed(kafka, REPLIES).stream().map(r -> serdes.replies().deserialize(REPLIES, r.value())).toList();
    }

    private Participant participant(LocalKafkaBroker kafka) {
        return Participant.builder()
                .applicationId("forget-inventory")
                .bootstrapServers(kafka.bootstrapServers())
                .commandTopic(COMMANDS)
                .deadLetterTopic(DEAD_LETTERS)
                .schemaRegistry(registry)
                .handlers(inventory.handlers())
                .processedRetention(RETENTION)
                .purgeInterval(Duration.ofMillis(200))
                .property(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString())
                .property(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest")
                .build();
    }

    private void send(KafkaProducer<String, byte[]> producer, StepCommand command) throws Exception {
        producer.send(new ProducerRecord<>(COMMANDS, command.getSagaId(), serdes.commands().serialize(COMMANDS, command))).get();
    }

    private StepCommand command(String commandId, StepAction action, SpecificRecord input) {
        CommandSpec spec = CommandSpec.of(Payloads.withRegistry(registry), "saga-1", RESERVE_STOCK, action).id(commandId).replyTopic(REPLIES);
        return (input == null ? spec : spec.input(input)).build();
    }

}
