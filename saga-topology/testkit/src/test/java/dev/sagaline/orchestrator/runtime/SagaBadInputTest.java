package dev.sagaline.orchestrator.runtime;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.ORDER;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.kit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.protocol.DeadLetterReason;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.orchestrator.runtime.support.WellFormedHistories;
import dev.sagaline.orchestrator.testing.DeadLetter;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.schemas.serde.Payloads;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Consumer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Input the orchestrator cannot act on goes to the dead-letter topic with a reason naming the
 * problem, and the records after it are processed as usual.
 */
@ExtendWith(WellFormedHistories.class)
class SagaBadInputTest {

    private static final byte[] GARBAGE = "not a saga request".getBytes(StandardCharsets.UTF_8);

    /*
     * Kafka Streams' own deserialization handler writes the dead letter while the record is
     * enqueued, before it is processed. Under exactly_once_v2 that send joins an open transaction,
     * and TopologyTestDriver discards uncommitted sends when it collects output
     * (MockProducer.clear()), so the driver only shows these dead letters under at_least_once.
     * The orchestrator's own dead letters (processing errors) show under both.
     */

    @Test
    void deadLettersARequestThatDoesNotDeserialize() {
        try (SagaTestKit kit = kit(atLeastOnce(), ORDER)) {
            kit.rawRequest("o-1", GARBAGE);

            assertThat(kit.deadLetters()).singleElement().satisfies(dead -> {
                assertThat(dead.value()).isEqualTo(GARBAGE);
                assertThat(dead.reason()).isEqualTo(DeadLetterReason.UNDECODABLE);
                assertThat(dead.detail()).contains("topic sagaline.requests").contains("unknown magic byte");
                assertThat(dead.sourceTopic()).isEqualTo("sagaline.requests");
            });
            assertThat(kit.state("o-1")).isNull();
            assertProcessingGoesOn(kit);
        }
    }

    @Test
    void deadLettersAReplyThatDoesNotDeserialize() {
        try (SagaTestKit kit = kit(atLeastOnce(), ORDER)) {
            kit.start("o-1", "order");
            kit.rawReply("o-1", GARBAGE);

            assertThat(kit.deadLetters()).singleElement().satisfies(dead -> {
                assertThat(dead.value()).isEqualTo(GARBAGE);
                assertThat(dead.reason()).isEqualTo(DeadLetterReason.UNDECODABLE);
                assertThat(dead.detail()).contains("topic sagaline.replies").contains("unknown magic byte");
                assertThat(dead.sourceTopic()).isEqualTo("sagaline.replies");
            });
            assertThat(kit.commands("o-1")).hasSize(1);
            kit.assertThat("o-1").hasStatus(SagaStatus.RUNNING);
            assertProcessingGoesOn(kit);
        }
    }

    @Test
    void skipsARecordThatDoesNotDeserializeUnderExactlyOnceWithoutADeadLetterInTheDriver() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.rawRequest("o-1", GARBAGE);

            assertThat(kit.deadLetters())
                    .as("TopologyTestDriver drops Kafka's deserialization dead letters under exactly_once_v2; "
                            + "if this fails, the driver now shows them: assert them here as under at_least_once")
                    .isEmpty();
            assertThat(kit.state("o-1")).isNull();
            assertProcessingGoesOn(kit);
        }
    }

    @Test
    void kitRefusesToStartAnUnknownSagaType() {
        try (SagaTestKit kit = kit(ORDER)) {
            assertThatThrownBy(() -> kit.start("x-1", "refund"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no saga 'refund'")
                    .hasMessageContaining("order v1");
            assertThat(kit.commands()).isEmpty();
        }
    }

    @Test
    void deadLettersATombstoneOnTheRequestTopic() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.rawRequest("o-1", null);

            assertThat(onlyReason(kit)).contains("key 'o-1'").contains("no value");
            assertProcessingGoesOn(kit);
        }
    }

    @Test
    void deadLettersATombstoneOnTheReplyTopic() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.rawReply("o-1", null);

            assertThat(onlyReason(kit)).contains("key 'o-1'").contains("no value");
            assertThat(kit.status("o-1")).isEqualTo(dev.sagaline.protocol.v1.SagaStatus.RUNNING);
            assertProcessingGoesOn(kit);
        }
    }

    @Test
    void deadLettersAStartOfAnUnknownSagaType() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.request(start("x-1", "refund", null));

            assertThat(onlyReason(kit)).contains("unknown saga type 'refund'").contains("order v1");
            assertThat(kit.state("x-1")).isNull();
            assertProcessingGoesOn(kit);
        }
    }

    @Test
    void deadLettersAStartWhoseFirstStateWouldExceedTheRecordLimit() {
        try (SagaTestKit kit = kit(settings -> settings.config(SagalineConfig.RECORD_MAX_BYTES_CONFIG, 4096), ORDER)) {
            kit.start("o-1", "order", null, Payloads.json("\"" + "x".repeat(5000) + "\""));

            assertThat(onlyReason(kit)).contains("the saga's state would take").contains("record size limit of 4096 bytes")
                    .contains("sagaline.record.max.bytes").contains("(input sagaline.requests-0@0)");
            assertThat(kit.state("o-1")).isNull();
            assertThat(kit.commands()).isEmpty();
            assertProcessingGoesOn(kit);
        }
    }

    @Test
    void haltsASagaWhoseNextStateWouldExceedTheRecordLimitAndKeepsItAsItWas() {
        try (SagaTestKit kit = kit(settings -> settings.config(SagalineConfig.RECORD_MAX_BYTES_CONFIG, 4096), ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").succeedWith(Payloads.json("\"" + "x".repeat(5000) + "\""));

            kit.assertThat("o-1").hasStatus(SagaStatus.STUCK);
            assertThat(kit.state("o-1").getSteps().get(0).getOutput()).as("the output that did not fit is not kept").isNull();
            assertThat(kit.events("o-1")).last().satisfies(event -> assertThat(event.getReason())
                    .startsWith("halted: the saga's state would take").contains("(input sagaline.replies-0@"));
            assertThat(kit.commands("o-1")).as("no command for the next step").hasSize(1);
            assertThat(kit.deadLetters()).isEmpty();
        }
    }

    @Test
    void deadLettersAStartOfAVersionThatIsNotLoaded() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.request(start("o-1", "order", 7));

            assertThat(onlyReason(kit)).contains("saga type 'order' has no version 7");
            assertThat(kit.state("o-1")).isNull();
            assertProcessingGoesOn(kit);
        }
    }

    @Test
    void deadLettersAReplyForAnUnknownSaga() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.reply(reply("ghost", "reserve-stock"));

            assertThat(onlyReason(kit)).contains("unknown saga 'ghost'").contains("reserve-stock");
            assertProcessingGoesOn(kit);
        }
    }

    @Test
    void deadLettersAReplyForAStepTheSagaDoesNotHave() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.reply(reply("o-1", "gift-wrap"));

            assertThat(onlyReason(kit)).contains("step 'gift-wrap'").contains("saga 'order' v1 does not have");
            assertThat(kit.commands("o-1")).hasSize(1);
            assertProcessingGoesOn(kit);
        }
    }

    @Test
    void deadLettersAnAbortForAnUnknownSaga() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.abort("ghost", "test");

            assertThat(onlyReason(kit)).contains("AbortSaga for unknown saga 'ghost'");
            assertProcessingGoesOn(kit);
        }
    }

    @Test
    void deadLettersARequestWhoseKeyDiffersFromItsSagaId() {
        try (SagaTestKit kit = kit(ORDER)) {
            byte[] startOfX1 = deadLetteredBytes(kit, () -> kit.request(start("x-1", "refund", null)));

            kit.rawRequest("o-1", startOfX1);

            assertThat(kit.deadLetters()).last().satisfies(dead -> {
                assertThat(dead.reason()).isEqualTo(DeadLetterReason.INVALID_INPUT);
                assertThat(dead.detail()).contains("request key 'o-1' differs from its saga id 'x-1'");
            });
            assertThat(kit.state("o-1")).isNull();
            assertThat(kit.state("x-1")).isNull();
            assertProcessingGoesOn(kit);
        }
    }

    @Test
    void deadLettersAReplyWhoseKeyDiffersFromItsSagaId() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            byte[] replyOfGhost = deadLetteredBytes(kit, () -> kit.reply(reply("ghost", "reserve-stock")));

            kit.rawReply("o-1", replyOfGhost);

            assertThat(kit.deadLetters()).last().satisfies(dead -> {
                assertThat(dead.reason()).isEqualTo(DeadLetterReason.INVALID_INPUT);
                assertThat(dead.detail()).contains("reply key 'o-1' differs from its saga id 'ghost'");
            });
            assertThat(kit.commands("o-1")).hasSize(1);
            assertProcessingGoesOn(kit);
        }
    }

    private static Consumer<SagaTestKit.Builder> atLeastOnce() {
        return kit -> kit.config(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    }

    /** A saga started after the bad record still runs to completion. */
    private static void assertProcessingGoesOn(SagaTestKit kit) {
        kit.start("next", "order");
        kit.replyTo("next", "reserve-stock").succeed();
        kit.replyTo("next", "charge-payment").succeed();
        kit.replyTo("next", "ship").succeed();
        kit.assertThat("next").isCompleted();
    }

    /** The detail of the one dead letter, whose reason is INVALID_INPUT. */
    private static String onlyReason(SagaTestKit kit) {
        assertThat(kit.deadLetters()).hasSize(1);
        assertThat(kit.deadLetters().get(0).reason()).isEqualTo(DeadLetterReason.INVALID_INPUT);
        return kit.deadLetters().get(0).detail();
    }

    /**
     * The bytes of a record as the orchestrator read it, taken from the dead letter it produced:
     * the kit keys every record by its saga id, so a record with another key is sent as bytes.
     */
    private static byte[] deadLetteredBytes(SagaTestKit kit, Runnable send) {
        int before = kit.deadLetters().size();
        send.run();
        assertThat(kit.deadLetters()).hasSize(before + 1);
        DeadLetter dead = kit.deadLetters().get(before);
        return dead.value();
    }

    private static SagaRequest start(String sagaId, String type, Integer version) {
        return SagaRequest.newBuilder().setSagaId(sagaId)
                .setBody(StartSaga.newBuilder().setSagaType(type).setDefinitionVersion(version).build()).build();
    }

    private static StepReply reply(String sagaId, String step) {
        return StepReply.newBuilder().setCommandId(sagaId + "/" + step + "/DO/1").setSagaId(sagaId).setStep(step)
                .setAction(StepAction.DO).setAttempt(1).setOutcome(StepOutcome.SUCCEEDED)
                .setRepliedAtMs(Instant.parse("2030-01-01T00:00:00Z")).build();
    }
}
