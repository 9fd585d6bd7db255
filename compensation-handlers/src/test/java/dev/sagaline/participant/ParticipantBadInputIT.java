package dev.sagaline.participant;

import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVE_STOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sagaline.badinput.Corruption;
import dev.sagaline.localkafka.LocalKafka;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.participant.example.ReserveStock;
import dev.sagaline.participant.example.StockReservation;
import dev.sagaline.participant.testsupport.CommandSpec;
import dev.sagaline.participant.testsupport.NewerCommands;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.participant.testsupport.TopicRecords;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bad-input matrix of a participant's command topic, on a real broker: each bad record goes to
 * the participant's dead-letter topic with its {@link DeadLetterReason} (or, where the participant
 * rules say so, is answered), and afterwards the participant runs and answers a good command. The
 * README's "Bad input" table lists exactly these cases ({@code BadInputTableTest}).
 */
@Tag("integration")
@LocalKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ParticipantBadInputIT {

    /** The topic as the README's table names it. */
    static final String TOPIC = "commands (participant)";

    private static final String COMMANDS = "bad-input.inventory.commands";
    private static final String REPLIES = "bad-input.checkout.replies";
    private static final String DEAD_LETTERS = "bad-input.inventory.dlq";
    private static final String CASE_HEADER = "sagaline.test.case";
    private static final ReserveStock ORDER = new ReserveStock("o-1", "sku-42", 2);
    /** An order the DO handler answers with a reservation over the producer's max.request.size (1 MB by default). */
    private static final ReserveStock OVERSIZE_ORDER = new ReserveStock("oversize", "sku-42", 2);

    /** One bad record, with the reason of its dead letter, or null when the participant answers it. */
    enum Case {
        RANDOM_BYTES("random bytes", DeadLetterReason.UNDECODABLE),
        WRONG_MAGIC_BYTE("wrong magic byte", DeadLetterReason.UNDECODABLE),
        UNKNOWN_SCHEMA_ID("unknown schema id", DeadLetterReason.UNDECODABLE),
        TRUNCATED("truncated record", DeadLetterReason.UNDECODABLE),
        NULL_KEY("null key", DeadLetterReason.KEY_MISMATCH),
        TOMBSTONE("null value (tombstone)", DeadLetterReason.EMPTY_COMMAND),
        KEY_NOT_SAGA_ID("key differs from the saga id", DeadLetterReason.KEY_MISMATCH),
        UNKNOWN_STEP("command for a step it has no handler for", DeadLetterReason.NO_HANDLER),
        NEWER_ACTION("action only a newer schema version has", DeadLetterReason.UNKNOWN_ACTION),
        NO_REPLY_TOPIC("command without a reply topic", DeadLetterReason.NO_REPLY_TOPIC),
        OVERSIZE_PAYLOAD("oversize payload (length prefix of 2 GB)", DeadLetterReason.UNDECODABLE),
        REPLY_TOO_LARGE("command whose reply would exceed the record size limit", DeadLetterReason.REPLY_TOO_LARGE),
        UNKNOWN_SAGA_TYPE("command of a saga type it has not seen", null),
        COMPENSATION_FOR_UNKNOWN_SAGA("compensation for a saga it never saw", null);

        final String input;
        final DeadLetterReason reason;

        Case(String input, DeadLetterReason reason) {
            this.input = input;
            this.reason = reason;
        }

        /** The outcome as the README's table states it. */
        String outcome() {
            if (this == REPLY_TOO_LARGE) {
                return "dead letter `" + reason + "`, reply `FAILED` (`" + ParticipantErrorCodes.REPLY_TOO_LARGE
                        + "`), its compensation runs";
            }
            if (reason != null) {
                return "dead letter `" + reason + "`";
            }
            return this == UNKNOWN_SAGA_TYPE ? "reply `SUCCEEDED` (participants route by step, not saga type)"
                    : "reply `SUCCEEDED` without calling the handler (empty rollback)";
        }
    }

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final ProtocolSerdes serdes = new ProtocolSerdes(registry);
    private final Payloads payloads = Payloads.withRegistry(registry);
    private final RecordingHandlers inventory = new RecordingHandlers();
    private Participant participant;
    private KafkaProducer<String, byte[]> producer;

    @BeforeAll
    void startParticipant(LocalKafkaBroker kafka, @TempDir Path stateDir) {
        kafka.createTopics(Map.of(COMMANDS, 1, REPLIES, 1, DEAD_LETTERS, 1));
        inventory.whenCalled(StepAction.DO, (input, context) -> {
            ReserveStock order = (ReserveStock) input;
            return StepResult.succeeded(order.equals(OVERSIZE_ORDER)
                    ? new StockReservation("res-oversize", "x".repeat(1_200_000), order.getQuantity())
                    : RecordingHandlers.reservationFor(order));
        });
        participant = Participant.builder()
                .applicationId("bad-input-inventory")
                .bootstrapServers(kafka.bootstrapServers())
                .commandTopic(COMMANDS)
                .deadLetterTopic(DEAD_LETTERS)
                .schemaRegistry(registry)
                .handlers(inventory.handlers())
                .property(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString())
                .property(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest")
                .build();
        participant.start();
        producer = new KafkaProducer<>(TopicRecords.producerConfig(kafka));
    }

    @AfterAll
    void stop() {
        if (producer != null) {
            producer.close();
        }
        if (participant != null) {
            participant.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Case.class)
    void deadLettersOrAnswersTheRecordAndGoesOn(Case c, LocalKafkaBroker kafka) throws Exception {
        String sagaId = "saga-" + c.ordinal();
        ProducerRecord<String, byte[]> bad = badRecord(c, sagaId);
        bad.headers().add(CASE_HEADER, c.name().getBytes(StandardCharsets.UTF_8));
        producer.send(bad).get();
        int callsBefore = inventory.calls().size();

        if (c.reason != null) {
            ConsumerRecord<String, byte[]> dead = await().atMost(Duration.ofSeconds(60))
                    .until(() -> deadLetterOf(kafka, c), Optional::isPresent).orElseThrow();
            assertThat(dead.key()).isEqualTo(bad.key());
            assertThat(dead.value()).as("the record as it was read").isEqualTo(bad.value());
            assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo(c.reason.name());
            assertThat(header(dead, DeadLetterHeaders.DETAIL)).isNotBlank();
            assertThat(header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(COMMANDS);
            if (c == Case.REPLY_TOO_LARGE) {
                StepReply failed = awaitReply(kafka, c.name());
                assertThat(failed.getOutcome()).isEqualTo(StepOutcome.FAILED);
                assertThat(failed.getErrorCode()).isEqualTo(ParticipantErrorCodes.REPLY_TOO_LARGE);
                assertThat(failed.getErrorMessage()).contains("exceeds the limit of 1000000 bytes");
                send(command(sagaId, RESERVE_STOCK, StepAction.COMPENSATE).id(c.name() + "-undo")
                        .input(RecordingHandlers.reservationFor(OVERSIZE_ORDER)).build());
                assertThat(awaitReply(kafka, c.name() + "-undo").getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
                assertThat(inventory.calls(StepAction.COMPENSATE)).as("the applied DO is undone by its handler").isEqualTo(1);
            }
        } else {
            StepReply reply = awaitReply(kafka, c.name());
            assertThat(reply.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
            if (c == Case.COMPENSATION_FOR_UNKNOWN_SAGA) {
                assertThat(inventory.calls()).as("no handler called").hasSize(callsBefore);
            }
        }

        String good = "good-" + c.ordinal();
        send(command(good, RESERVE_STOCK, StepAction.DO).id(good).input(ORDER).build());
        assertThat(awaitReply(kafka, good).getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(participant.state()).isIn(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING);
    }

    private ProducerRecord<String, byte[]> badRecord(Case c, String sagaId) {
        StepCommand valid = command(sagaId, RESERVE_STOCK, StepAction.DO).id(c.name()).input(ORDER).build();
        byte[] validBytes = serdes.commands().serialize(COMMANDS, valid);
        return switch (c) {
            case RANDOM_BYTES -> record(sagaId, Corruption.RANDOM_BYTES.applyTo(validBytes));
            case WRONG_MAGIC_BYTE -> record(sagaId, Corruption.WRONG_MAGIC_BYTE.applyTo(validBytes));
            case UNKNOWN_SCHEMA_ID -> record(sagaId, Corruption.UNKNOWN_SCHEMA_ID.applyTo(validBytes));
            case TRUNCATED -> record(sagaId, Corruption.TRUNCATED.applyTo(validBytes));
            case NULL_KEY -> record(null, validBytes);
            case TOMBSTONE -> record(sagaId, null);
            case KEY_NOT_SAGA_ID -> record("another-saga", validBytes);
            case UNKNOWN_STEP -> record(sagaId, commandBytes(command(sagaId, "ship-parcel", StepAction.DO).id(c.name()).build()));
            case NEWER_ACTION -> record(sagaId, NewerCommands.withNewerAction(registry, COMMANDS + "-value", valid));
            case NO_REPLY_TOPIC -> record(sagaId, commandBytes(command(sagaId, RESERVE_STOCK, StepAction.DO).id(c.name()).input(ORDER)
                    .replyTopic("").build()));
            case OVERSIZE_PAYLOAD -> record(sagaId, Corruption.OVERSIZE_LENGTH_PREFIX.applyTo(validBytes));
            case REPLY_TOO_LARGE -> record(sagaId, commandBytes(command(sagaId, RESERVE_STOCK, StepAction.DO).id(c.name())
                    .input(OVERSIZE_ORDER).build()));
            case UNKNOWN_SAGA_TYPE -> {
                StepCommand refund = command(sagaId, RESERVE_STOCK, StepAction.DO).id(c.name()).input(ORDER).build();
                refund.setSagaType("refund");
                refund.setDefinitionVersion(42);
                yield record(sagaId, commandBytes(refund));
            }
            case COMPENSATION_FOR_UNKNOWN_SAGA -> record(sagaId, commandBytes(command(sagaId, RESERVE_STOCK, StepAction.COMPENSATE)
                    .id(c.name()).input(RecordingHandlers.reservationFor(ORDER)).build()));
        };
    }

    private CommandSpec command(String sagaId, String step, StepAction action) {
        return CommandSpec.of(payloads, sagaId, step, action).replyTopic(REPLIES);
    }

    private byte[] commandBytes(StepCommand command) {
        return serdes.commands().serialize(COMMANDS, command);
    }

    private void send(StepCommand command) throws Exception {
        producer.send(record(command.getSagaId(), commandBytes(command))).get();
    }

    private static ProducerRecord<String, byte[]> record(String key, byte[] value) {
        return new ProducerRecord<>(COMMANDS, key, value);
    }

    private StepReply awaitReply(LocalKafkaBroker kafka, String commandId) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> replies(kafka).stream()
                .filter(reply -> reply.getCommandId().equals(commandId)).findFirst(), Optional::isPresent).orElseThrow();
    }

    private List<StepReply> replies(LocalKafkaBroker kafka) {
        return TopicRecords.committed(kafka, REPLIES).stream().map(r -> serdes.replies().deserialize(REPLIES, r.value())).toList();
    }

    private static Optional<ConsumerRecord<String, byte[]>> deadLetterOf(LocalKafkaBroker kafka, Case c) {
        return TopicRecords.committed(kafka, DEAD_LETTERS).stream().filter(r -> c.name().equals(header(r, CASE_HEADER))).findFirst();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
