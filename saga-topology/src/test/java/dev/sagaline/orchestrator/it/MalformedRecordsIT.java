package dev.sagaline.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sagaline.localkafka.CommittedRecords;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localkafka.LocalKafkaExtension;
import dev.sagaline.orchestrator.it.support.ChildOrchestrator;
import dev.sagaline.orchestrator.it.support.OrchestratorSettings;
import dev.sagaline.protocol.DeadLetterHeaders;
import dev.sagaline.protocol.DeadLetterReason;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records written by a raw producer, not by our serializers, reach an orchestrator in its own JVM
 * with a container-sized heap: a well-formed header followed by an Avro length prefix of about
 * 2 GB is dead-lettered with its reason, and the orchestrator goes on with the next saga.
 */
@Tag("integration")
@ExtendWith(LocalKafkaExtension.class)
@Timeout(180)
class MalformedRecordsIT {

    /** The body of the 13 bytes from issue 18: a string length prefix of 2,147,483,639 bytes, then "abc". */
    private static final byte[] HUGE_STRING_BODY = {(byte) 0xee, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 'a', 'b', 'c'};
    private static final String ONE_STEP = """
            saga: malformed
            version: 1
            steps:
              - name: only
                topic: malformed-it.only
                kind: compensatable
                timeout: 60s
            """;

    @TempDir
    Path workDir;

    @AutoClose
    private ChildOrchestrator orchestrator;

    @Test
    void deadLettersATwoGigabyteLengthPrefixOnTheRequestAndReplyTopicsAndGoesOn(LocalKafkaBroker broker) {
        Map<String, Object> settings = OrchestratorSettings.forPrefix(broker.bootstrapServers(), "malformed-it", workDir.resolve("state"));
        orchestrator = ChildOrchestrator.in(workDir, settings, Map.of("malformed.yaml", ONE_STEP)).start(Duration.ofSeconds(90));
        byte[] badRequest = framed(SagaRequest.getClassSchema(), HUGE_STRING_BODY);
        byte[] badReply = framed(StepReply.getClassSchema(), HUGE_STRING_BODY);
        assertThat(badRequest).hasSize(13);

        ProtocolSerdes serdes = new ProtocolSerdes(InMemorySchemaRegistry.scoped("malformed-it"));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(broker.clientConfig(), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("malformed-it.requests", "s-1", badRequest));
            producer.send(new ProducerRecord<>("malformed-it.replies", "s-1", badReply));
            SagaRequest start = SagaRequest.newBuilder().setSagaId("s-1").setBody(StartSaga.newBuilder().setSagaType("malformed").build()).build();
            producer.send(new ProducerRecord<>("malformed-it.requests", "s-1", serdes.requests().serialize("malformed-it.requests", start)));
            producer.flush();
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(orchestrator.isAlive()).as("orchestrator process alive; its output:%n%s", orchestrator.tail()).isTrue();
            assertThat(CommittedRecords.of(broker, "malformed-it.only")).as("the command of the saga sent after the bad records")
                    .extracting(ConsumerRecord::key).containsExactly("s-1");
        });
        List<ConsumerRecord<String, byte[]>> deadLetters = CommittedRecords.of(broker, "malformed-it.dead-letter");
        assertThat(deadLetters).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(badRequest, badReply);
        assertThat(deadLetters).allSatisfy(dead -> {
            assertThat(DeadLetterHeaders.reason(dead.headers())).as("headers %s", dead.headers()).contains(DeadLetterReason.UNDECODABLE);
            assertThat(DeadLetterHeaders.detail(dead.headers())).hasValueSatisfying(detail ->
                    assertThat(detail).contains("a string claims 2147483639 bytes but the whole record body has 8"));
            assertThat(header(dead, "__streams.errors.message")).contains("a string claims 2147483639 bytes but the whole record body has 8");
        });
        assertThat(orchestrator.isAlive()).as("orchestrator process alive; its output:%n%s", orchestrator.tail()).isTrue();
    }

    /** Magic byte, the id the in-process registry gives {@code schema}, then {@code body}. */
    private static byte[] framed(Schema schema, byte[] body) {
        int id = new InMemorySchemaRegistry().register("any", schema);
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(id).put(body).array();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "(no " + name + " header; headers " + record.headers() + ")" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
