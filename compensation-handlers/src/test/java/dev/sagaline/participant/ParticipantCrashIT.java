package dev.sagaline.participant;

import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVE_STOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.sagaline.localkafka.CommittedRecords;
import dev.sagaline.participant.testsupport.TopicRecords;
import dev.sagaline.localkafka.LocalKafka;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.participant.example.ReserveStock;
import dev.sagaline.participant.example.StockReservation;
import dev.sagaline.protocol.DeadLetterHeaders;
import dev.sagaline.protocol.DeadLetterReason;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real broker: the participant crashes after a handler's side effect and before the commit,
 * and after the restart a read_committed consumer sees exactly one reply per command, while the
 * external side effect is recorded once through the command id.
 */
@Tag("integration")
@LocalKafka
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ParticipantCrashIT {

    private static final String COMMANDS = "crash.inventory.commands";
    private static final String REPLIES = "crash.checkout.replies";
    private static final String DEAD_LETTERS = "crash.inventory.dlq";
    private static final ReserveStock ORDER = new ReserveStock("o-1", "sku-42", 2);

    /** Thrown once by the handler to kill the stream thread, like a process dying mid-transaction. */
    private static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash() {
            super("simulated crash after the side effect, before the commit");
        }
    }

    /** The "external system": reservations keyed by the idempotency key, and how often each key was attempted. */
    private final Map<String, String> reservations = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final AtomicBoolean crashArmed = new AtomicBoolean(true);
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @TempDir
    Path stateDir;

    @Test
    void answersEachCommandOnceAcrossACrashBeforeTheCommit(LocalKafkaBroker kafka) throws Exception {
        kafka.createTopics(Map.of(COMMANDS, 1, REPLIES, 1, DEAD_LETTERS, 1));
        ProtocolSerdes serdes = new ProtocolSerdes(registry);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(TopicRecords.producerConfig(kafka))) {
            producer.send(new ProducerRecord<>(COMMANDS, "saga-1", serdes.commands().serialize(COMMANDS, reserve("saga-1", "c-1"))));
            producer.send(new ProducerRecord<>(COMMANDS, "saga-x", "not a command".getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(COMMANDS, "saga-2", serdes.commands().serialize(COMMANDS, reserve("saga-2", "c-2"))));
        }

        // c-1 is answered and the unreadable record dead-lettered inside the open transaction; c-2's
        // handler reserves stock, then the thread dies before anything is committed.
        try (Participant crashing = participant(kafka)) {
            crashing.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> crashing.state() == KafkaStreams.State.ERROR);
        }
        assertThat(attempts.get("c-2")).hasValue(1);
        assertThat(reservations).containsKey("c-2");

        try (Participant restarted = participant(kafka)) {
            restarted.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> attempts.getOrDefault("c-2", new AtomicInteger()).get() == 2);
            assertThat(restarted.close(Duration.ofSeconds(30))).isTrue();
        }

        List<ConsumerRecord<String, byte[]>> replies = CommittedRecords.of(kafka, REPLIES);
        assertThat(replies).extracting(record -> serdes.replies().deserialize(REPLIES, record.value()))
                .extracting(StepReply::getCommandId, StepReply::getOutcome)
                .containsExactlyInAnyOrder(
                        tuple("c-1", StepOutcome.SUCCEEDED), tuple("c-2", StepOutcome.SUCCEEDED));
        assertThat(CommittedRecords.of(kafka, DEAD_LETTERS)).singleElement().satisfies(deadLetter ->
                assertThat(new String(deadLetter.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8))
                        .isEqualTo(DeadLetterReason.UNDECODABLE.name()));
        // Both commands ran twice (the first transaction, c-1's reply included, was aborted), yet the
        // external system holds one reservation per command id.
        assertThat(attempts).containsOnlyKeys("c-1", "c-2");
        assertThat(attempts.get("c-1")).hasValue(2);
        assertThat(reservations).containsOnlyKeys("c-1", "c-2");
    }

    private Participant participant(LocalKafkaBroker kafka) {
        return Participant.builder()
                .applicationId("crash-inventory")
                .bootstrapServers(kafka.bootstrapServers())
                .commandTopic(COMMANDS)
                .deadLetterTopic(DEAD_LETTERS)
                .schemaRegistry(registry)
                // The same state directory keeps the same process id, hence the same transactional
                // id: the restarted producer fences the dead one and aborts its open transaction.
                .property(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString())
                // One transaction spans both commands: nothing commits between c-1 and the crash.
                .property(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 60_000)
                .property(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 120_000)
                .property(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest")
                // A dead Streams member does not leave its group; the restart waits out its session.
                .property(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000)
                .property(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_500)
                .uncaughtExceptionHandler(exception -> StreamThreadExceptionResponse.SHUTDOWN_CLIENT)
                .onDo(RESERVE_STOCK, ReserveStock.class, (order, context) -> {
                    attempts.computeIfAbsent(context.commandId(), id -> new AtomicInteger()).incrementAndGet();
                    reservations.putIfAbsent(context.commandId(), "reservation of " + order.getSku());
                    if (context.commandId().equals("c-2") && crashArmed.compareAndSet(true, false)) {
                        throw new SimulatedCrash();
                    }
                    return StepResult.succeeded(
                            new StockReservation(reservations.get(context.commandId()), order.getSku(), order.getQuantity()));
                })
                .build();
    }

    private StepCommand reserve(String sagaId, String commandId) {
        return StepCommand.newBuilder()
                .setCommandId(commandId)
                .setSagaId(sagaId)
                .setSagaType("checkout")
                .setStep(RESERVE_STOCK)
                .setAction(StepAction.DO)
                .setAttempt(1)
                .setInput(Payloads.withRegistry(registry).encode(ORDER))
                .setReplyTopic(REPLIES)
                .setIssuedAtMs(Instant.parse("2026-01-01T00:00:00Z"))
                .setMetadata(Map.of())
                .build();
    }

}
