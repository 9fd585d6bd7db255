package dev.sagaline.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sagaline.badinput.Corruption;
import dev.sagaline.localkafka.CommittedRecords;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localkafka.LocalKafkaExtension;
import dev.sagaline.orchestrator.it.support.ChildOrchestrator;
import dev.sagaline.orchestrator.it.support.OrchestratorSettings;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.protocol.DeadLetterHeaders;
import dev.sagaline.protocol.v1.AbortSaga;
import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.PayloadEncoding;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bad-input matrix of the orchestrator's two input topics, on a real broker against an
 * orchestrator in its own JVM: each bad record goes to the dead-letter topic with the reason
 * header, a record keyed by a running saga is noted in that saga's history, and afterwards the
 * process is alive and a good saga still completes. The README's "Bad input" table lists exactly
 * these cases ({@code BadInputTableTest}).
 */
@Tag("integration")
@ExtendWith(LocalKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class OrchestratorBadInputIT {

    static final String REQUESTS = "requests";
    static final String REPLIES = "replies";
    /** Small, so that an oversize payload is quick to write. */
    static final int RECORD_MAX_BYTES = 20_000;

    private static final String PREFIX = "bad-input-it";
    private static final String STEP_TOPIC = PREFIX + ".only";
    private static final String CASE_HEADER = "sagaline.test.case";
    private static final String ONE_STEP = """
            saga: bad-input
            version: 1
            steps:
              - name: only
                topic: bad-input-it.only
                kind: compensatable
                timeout: 60s
            """;

    /**
     * One bad record on one topic, with the phrase its dead letter's reason contains.
     * {@code keyedByTarget}: the record's key names a running saga, which notes the dead letter.
     */
    enum Case {
        REQUEST_RANDOM_BYTES(REQUESTS, "random bytes", "unknown magic byte", true),
        REQUEST_WRONG_MAGIC_BYTE(REQUESTS, "wrong magic byte", "unknown magic byte 1", true),
        REQUEST_UNKNOWN_SCHEMA_ID(REQUESTS, "unknown schema id", "unknown writer schema id " + Corruption.UNKNOWN_SCHEMA_ID_VALUE, true),
        REQUEST_TRUNCATED(REQUESTS, "truncated record", "truncated or corrupt record", true),
        REQUEST_NULL_KEY(REQUESTS, "null key", "request key 'null' differs from its saga id", false),
        REQUEST_TOMBSTONE(REQUESTS, "null value (tombstone)", "has no value (a tombstone)", true),
        REQUEST_KEY_NOT_SAGA_ID(REQUESTS, "key differs from the saga id", "differs from its saga id", true),
        REQUEST_UNKNOWN_SAGA_TYPE(REQUESTS, "unknown saga type", "unknown saga type 'refund'", false),
        REQUEST_UNKNOWN_VERSION(REQUESTS, "unknown saga version", "saga type 'bad-input' has no version 7", false),
        REQUEST_UNKNOWN_SAGA(REQUESTS, "abort of an unknown saga", "AbortSaga for unknown saga", false),
        REQUEST_OVERSIZE_PAYLOAD(REQUESTS, "oversize payload (length prefix of 2 GB)", "a string claims 2147483639 bytes", true),
        REQUEST_STATE_TOO_LARGE(REQUESTS, "start whose state would exceed the record size limit", "the saga's state would take", false),
        REPLY_RANDOM_BYTES(REPLIES, "random bytes", "unknown magic byte", true),
        REPLY_WRONG_MAGIC_BYTE(REPLIES, "wrong magic byte", "unknown magic byte 1", true),
        REPLY_UNKNOWN_SCHEMA_ID(REPLIES, "unknown schema id", "unknown writer schema id " + Corruption.UNKNOWN_SCHEMA_ID_VALUE, true),
        REPLY_TRUNCATED(REPLIES, "truncated record", "truncated or corrupt record", true),
        REPLY_NULL_KEY(REPLIES, "null key", "reply key 'null' differs from its saga id", false),
        REPLY_TOMBSTONE(REPLIES, "null value (tombstone)", "has no value (a tombstone)", true),
        REPLY_KEY_NOT_SAGA_ID(REPLIES, "key differs from the saga id", "differs from its saga id 'ghost'", true),
        REPLY_UNKNOWN_SAGA(REPLIES, "reply for an unknown saga", "for unknown saga 'ghost'", false),
        REPLY_UNKNOWN_STEP(REPLIES, "reply for an unknown step", "names step 'gift-wrap'", true),
        REPLY_UNKNOWN_ATTEMPT(REPLIES, "reply for an attempt never sent", "DO attempt 7 of step 'only', which was never sent", true),
        REPLY_OVERSIZE_PAYLOAD(REPLIES, "oversize payload (length prefix of 2 GB)", "a string claims 2147483639 bytes", true),
        REPLY_STATE_TOO_LARGE(REPLIES, "reply whose saga state would exceed the record size limit", "the saga's state would take", true);

        final String topic;
        final String input;
        final String reason;
        final boolean keyedByTarget;

        Case(String topic, String input, String reason, boolean keyedByTarget) {
            this.topic = topic;
            this.input = input;
            this.reason = reason;
            this.keyedByTarget = keyedByTarget;
        }

        /** The outcome as the README's table states it. */
        String outcome() {
            return "dead letter `" + reason + "`" + (keyedByTarget ? ", `INPUT_DEAD_LETTERED` event" : "")
                    + (this == REPLY_STATE_TOO_LARGE ? ", saga `STUCK`" : "");
        }
    }

    private final ProtocolSerdes serdes = new ProtocolSerdes(InMemorySchemaRegistry.scoped(PREFIX));
    private ChildOrchestrator orchestrator;
    private KafkaProducer<String, byte[]> producer;

    @BeforeAll
    void startOrchestrator(LocalKafkaBroker broker, @TempDir Path workDir) {
        Map<String, Object> settings = OrchestratorSettings.forPrefix(broker.bootstrapServers(), PREFIX, workDir.resolve("state"));
        settings.put(SagalineConfig.RECORD_MAX_BYTES_CONFIG, RECORD_MAX_BYTES);
        orchestrator = ChildOrchestrator.in(workDir, settings, Map.of("bad-input.yaml", ONE_STEP)).start(Duration.ofSeconds(90));
        producer = new KafkaProducer<>(broker.clientConfig(), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    void stop() {
        if (producer != null) {
            producer.close();
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Case.class)
    void deadLettersTheRecordWithItsReasonAndGoesOn(Case c, LocalKafkaBroker broker) {
        String target = "target-" + c.ordinal();
        StepCommand command = startAndAwaitCommand(broker, target);

        ProducerRecord<String, byte[]> bad = badRecord(c, target, command);
        bad.headers().add(CASE_HEADER, c.name().getBytes(StandardCharsets.UTF_8));
        producer.send(bad);
        producer.flush();

        ConsumerRecord<String, byte[]> dead = await().atMost(Duration.ofSeconds(60))
                .until(() -> deadLetterOf(broker, c), Optional::isPresent).orElseThrow();
        assertThat(dead.value()).as("the record as it was read").isEqualTo(bad.value());
        assertThat(header(dead, DeadLetterHeaders.DETAIL)).contains(c.reason);
        assertThat(header(dead, "__streams.errors.topic")).isEqualTo(bad.topic());
        if (c.keyedByTarget) {
            await().atMost(Duration.ofSeconds(30)).until(() -> events(broker, target).stream()
                    .anyMatch(e -> e.getKind() == SagaEventKind.INPUT_DEAD_LETTERED && e.getReason().contains(c.reason)));
        }
        if (c == Case.REPLY_STATE_TOO_LARGE) {
            assertThat(events(broker, target)).extracting(SagaEvent::getKind).contains(SagaEventKind.STUCK);
        }

        String good = "good-" + c.ordinal();
        StepCommand goodCommand = startAndAwaitCommand(broker, good);
        send(REPLIES, good, serdes.replies().serialize(topic(REPLIES), replyTo(goodCommand, null)));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(orchestrator.isAlive()).as("orchestrator process alive; its output:%n%s", orchestrator.tail()).isTrue();
            assertThat(events(broker, good)).extracting(SagaEvent::getKind).contains(SagaEventKind.COMPLETED);
        });
    }

    private ProducerRecord<String, byte[]> badRecord(Case c, String target, StepCommand command) {
        byte[] validRequest = serdes.requests().serialize(topic(REQUESTS), start(target, "bad-input", null, null));
        byte[] validReply = serdes.replies().serialize(topic(REPLIES), replyTo(command, null));
        return switch (c) {
            case REQUEST_RANDOM_BYTES -> record(REQUESTS, target, Corruption.RANDOM_BYTES.applyTo(validRequest));
            case REQUEST_WRONG_MAGIC_BYTE -> record(REQUESTS, target, Corruption.WRONG_MAGIC_BYTE.applyTo(validRequest));
            case REQUEST_UNKNOWN_SCHEMA_ID -> record(REQUESTS, target, Corruption.UNKNOWN_SCHEMA_ID.applyTo(validRequest));
            case REQUEST_TRUNCATED -> record(REQUESTS, target, Corruption.TRUNCATED.applyTo(validRequest));
            case REQUEST_NULL_KEY -> record(REQUESTS, null, request(start("unkeyed-" + c.ordinal(), "bad-input", null, null)));
            case REQUEST_TOMBSTONE -> record(REQUESTS, target, null);
            case REQUEST_KEY_NOT_SAGA_ID -> record(REQUESTS, target, request(start("other-" + c.ordinal(), "bad-input", null, null)));
            case REQUEST_UNKNOWN_SAGA_TYPE -> record(REQUESTS, "refund-1", request(start("refund-1", "refund", null, null)));
            case REQUEST_UNKNOWN_VERSION -> record(REQUESTS, "v7-1", request(start("v7-1", "bad-input", 7, null)));
            case REQUEST_UNKNOWN_SAGA -> record(REQUESTS, "ghost", request(SagaRequest.newBuilder().setSagaId("ghost")
                    .setBody(AbortSaga.newBuilder().setReason("test").build()).build()));
            case REQUEST_OVERSIZE_PAYLOAD -> record(REQUESTS, target, Corruption.OVERSIZE_LENGTH_PREFIX.applyTo(validRequest));
            case REQUEST_STATE_TOO_LARGE -> record(REQUESTS, "big-1", request(start("big-1", "bad-input", null, bytes(RECORD_MAX_BYTES))));
            case REPLY_RANDOM_BYTES -> record(REPLIES, target, Corruption.RANDOM_BYTES.applyTo(validReply));
            case REPLY_WRONG_MAGIC_BYTE -> record(REPLIES, target, Corruption.WRONG_MAGIC_BYTE.applyTo(validReply));
            case REPLY_UNKNOWN_SCHEMA_ID -> record(REPLIES, target, Corruption.UNKNOWN_SCHEMA_ID.applyTo(validReply));
            case REPLY_TRUNCATED -> record(REPLIES, target, Corruption.TRUNCATED.applyTo(validReply));
            case REPLY_NULL_KEY -> record(REPLIES, null, validReply);
            case REPLY_TOMBSTONE -> record(REPLIES, target, null);
            case REPLY_KEY_NOT_SAGA_ID -> {
                StepReply ghost = replyTo(command, null);
                ghost.setSagaId("ghost");
                yield record(REPLIES, target, reply(ghost));
            }
            case REPLY_UNKNOWN_SAGA -> {
                StepReply ghost = replyTo(command, null);
                ghost.setSagaId("ghost");
                yield record(REPLIES, "ghost", reply(ghost));
            }
            case REPLY_UNKNOWN_STEP -> {
                StepReply giftWrap = replyTo(command, null);
                giftWrap.setStep("gift-wrap");
                yield record(REPLIES, target, reply(giftWrap));
            }
            case REPLY_UNKNOWN_ATTEMPT -> {
                StepReply neverSent = replyTo(command, null);
                neverSent.setAttempt(7);
                neverSent.setCommandId(target + "/only/DO/7");
                yield record(REPLIES, target, reply(neverSent));
            }
            case REPLY_OVERSIZE_PAYLOAD -> record(REPLIES, target, Corruption.OVERSIZE_LENGTH_PREFIX.applyTo(validReply));
            case REPLY_STATE_TOO_LARGE -> record(REPLIES, target, reply(replyTo(command, bytes(RECORD_MAX_BYTES))));
        };
    }

    private StepCommand startAndAwaitCommand(LocalKafkaBroker broker, String sagaId) {
        send(REQUESTS, sagaId, request(start(sagaId, "bad-input", null, null)));
        return await().atMost(Duration.ofSeconds(60)).until(() -> CommittedRecords.of(broker, STEP_TOPIC).stream()
                        .filter(r -> sagaId.equals(r.key())).map(r -> serdes.commands().deserialize(STEP_TOPIC, r.value()))
                        .filter(command -> command.getAction() == StepAction.DO).findFirst(), Optional::isPresent)
                .orElseThrow();
    }

    private Optional<ConsumerRecord<String, byte[]>> deadLetterOf(LocalKafkaBroker broker, Case c) {
        return CommittedRecords.of(broker, topic("dead-letter")).stream().filter(r -> c.name().equals(header(r, CASE_HEADER))).findFirst();
    }

    private List<SagaEvent> events(LocalKafkaBroker broker, String sagaId) {
        return CommittedRecords.of(broker, topic("events")).stream().filter(r -> sagaId.equals(r.key()))
                .map(r -> serdes.events().deserialize(r.topic(), r.value())).toList();
    }

    private void send(String topic, String key, byte[] value) {
        producer.send(record(topic, key, value));
        producer.flush();
    }

    private static ProducerRecord<String, byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic(topic), key, value);
    }

    private byte[] request(SagaRequest request) {
        return serdes.requests().serialize(topic(REQUESTS), request);
    }

    private byte[] reply(StepReply reply) {
        return serdes.replies().serialize(topic(REPLIES), reply);
    }

    private static String topic(String name) {
        return PREFIX + "." + name;
    }

    private static SagaRequest start(String sagaId, String type, Integer version, byte[] input) {
        return SagaRequest.newBuilder().setSagaId(sagaId).setBody(StartSaga.newBuilder().setSagaType(type).setDefinitionVersion(version)
                .setInput(input == null ? null : new Payload(PayloadEncoding.BYTES, null, ByteBuffer.wrap(input))).build()).build();
    }

    private static StepReply replyTo(StepCommand command, byte[] output) {
        return StepReply.newBuilder().setCommandId(command.getCommandId()).setSagaId(command.getSagaId()).setStep(command.getStep())
                .setAction(command.getAction()).setAttempt(command.getAttempt()).setOutcome(StepOutcome.SUCCEEDED)
                .setOutput(output == null ? null : new Payload(PayloadEncoding.BYTES, null, ByteBuffer.wrap(output)))
                .setRepliedAtMs(Instant.now()).build();
    }

    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
