package dev.sagaline.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.sagaline.localkafka.LocalKafka;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.participant.example.ReserveStock;
import dev.sagaline.participant.testsupport.CommandSpec;
import dev.sagaline.participant.testsupport.InventoryOnBroker;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.participant.testsupport.TopicRecords;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
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

    private static final Duration RETENTION = Duration.ofSeconds(2);
    private static final ReserveStock ORDER = new ReserveStock("o-1", "sku-42", 2);

    private final InventoryOnBroker topics = new InventoryOnBroker("forget", new InMemorySchemaRegistry());
    private final RecordingHandlers inventory = new RecordingHandlers();

    @TempDir
    Path stateDir;

    @Test
    void keepsAnUnfinishedSagasStepPastTheRetentionAndForgetsItOneRetentionAfterTheNotice(LocalKafkaBroker kafka) throws Exception {
        topics.createTopics(kafka);
        try (Participant participant = participant(kafka);
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TopicRecords.producerConfig(kafka))) {
            participant.start();
            participant.awaitRunning(Duration.ofSeconds(60));

            topics.send(producer, command("c-1", StepAction.DO, ORDER));
            topics.awaitReplies(kafka, 1);
            Thread.sleep(RETENTION.multipliedBy(2).toMillis());
            topics.send(producer, command("c-2", StepAction.COMPENSATE, RecordingHandlers.reservationFor(ORDER)));
            topics.awaitReplies(kafka, 2);
            assertThat(inventory.calls(StepAction.COMPENSATE)).as("the compensation ran, not an empty rollback").isEqualTo(1);

            topics.send(producer, command("f-1", StepAction.FORGET, null));
            Thread.sleep(RETENTION.multipliedBy(2).toMillis());
            topics.send(producer, command("c-1", StepAction.DO, ORDER));
            topics.awaitReplies(kafka, 3);

            assertThat(inventory.calls(StepAction.DO)).as("the step was forgotten after the notice's retention").isEqualTo(2);
        }
        assertThat(topics.replies(kafka)).extracting(StepReply::getCommandId, StepReply::getOutcome).containsExactly(
                tuple("c-1", StepOutcome.SUCCEEDED), tuple("c-2", StepOutcome.SUCCEEDED), tuple("c-1", StepOutcome.SUCCEEDED));
        assertThat(TopicRecords.committed(kafka, topics.deadLetters)).isEmpty();
    }

    private Participant participant(LocalKafkaBroker kafka) {
        return topics.participant(kafka, "forget-inventory", inventory, stateDir)
                .processedRetention(RETENTION)
                .purgeInterval(Duration.ofMillis(200))
                .build();
    }

    private StepCommand command(String commandId, StepAction action, SpecificRecord input) {
        CommandSpec spec = topics.command(commandId, action);
        return (input == null ? spec : spec.input(input)).build();
    }
}
