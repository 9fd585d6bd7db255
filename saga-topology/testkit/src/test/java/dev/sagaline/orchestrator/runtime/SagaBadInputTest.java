package dev.sagaline.orchestrator.runtime;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.ORDER;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.kit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.protocol.DeadLetterReason;
import dev.sagaline.protocol.v1.SagaEventKind;
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
     * A value that does not decode reaches the coordinator as UndecodableInput and is dead-lettered
     * by the processing exception handler, so these dead letters show in TopologyTestDriver under
     * exactly_once_v2 too (a dead letter of Kafka Streams' deserialization handler would not: the
     * driver discards the uncommitted sends of an open transaction).
     */

    @Test
    void deadLettersARequestThatDoesNotDeserialize() {
        try (SagaTestKit kit = kit(ORDER)) {
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
    void deadLettersAReplyThatDoesNotDeserializeAndRecordsItOnTheSagaItsKeyNames() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.rawReply("o-1", GARBAGE);

            assertThat(kit.deadLetters()).singleElement().satisfies(dead -> {
                assertThat(dead.value()).isEqualTo(GARBAGE);
                assertThat(dead.reason()).isEqualTo(DeadLetterReason.UNDECODABLE);
                assertThat(dead.detail()).contains("topic sagaline.replies").contains("unknown magic byte");
                assertThat(dead.sourceTopic()).isEqualTo("sagaline.replies");
            });
            assertDeadLetterRecorded(kit, "o-1", "unknown magic byte");
            assertThat(kit.commands("o-1")).hasSize(1);
            kit.assertThat("o-1").hasStatus(SagaStatus.RUNNING);
            assertProcessingGoesOn(kit);
        }
    }

    @Test
    void recordsATombstoneKeyedByARunningSagaOnTheSaga() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.rawRequest("o-1", null);

            assertDeadLetterRecorded(kit, "o-1", "no value");
            kit.assertThat("o-1").hasStatus(SagaStatus.RUNNING);
        }
    }

    @Test
    void recordsAReplyForAStepTheSagaDoesNotHaveOnTheSaga() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            kit.reply(reply("o-1", "gift-wrap"));

            assertDeadLetterRecorded(kit, "o-1", "step 'gift-wrap'");
        }
    }

    @Test
    void deadLettersAReplyToAnAttemptNeverSentAndRecordsItOnTheSaga() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            StepReply attempt7 = reply("o-1", "reserve-stock");
            attempt7.setAttempt(7);
            attempt7.setCommandId("o-1/reserve-stock/DO/7");
            kit.reply(attempt7);

            assertThat(onlyReason(kit)).contains("DO attempt 7 of step 'reserve-stock'").contains("never sent");
            assertDeadLetterRecorded(kit, "o-1", "never sent");
            assertThat(kit.commands("o-1")).hasSize(1);
            kit.replyTo("o-1", "reserve-stock").succeed();
            assertThat(kit.commands("o-1")).as("the real attempt's reply still counts").hasSize(2);
        }
    }

    @Test
    void recordsARequestKeyedByARunningSagaWithAnotherSagaIdOnTheKeyedSaga() {
        try (SagaTestKit kit = kit(ORDER)) {
            kit.start("o-1", "order");
            byte[] startOfX1 = deadLetteredBytes(kit, () -> kit.request(start("x-1", "refund", null)));

            kit.rawRequest("o-1", startOfX1);

            assertDeadLetterRecorded(kit, "o-1", "differs from its saga id 'x-1'");
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
    void haltsASagaWhoseNextStateWouldExceedTheRecordLimitKeepsItAsItWasAndDeadLettersTheReply() {
        try (SagaTestKit kit = kit(settings -> settings.config(SagalineConfig.RECORD_MAX_BYTES_CONFIG, 4096), ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").succeedWith(Payloads.json("\"" + "x".repeat(5000) + "\""));

            kit.assertThat("o-1").hasStatus(SagaStatus.STUCK);
            assertThat(kit.state("o-1").getSteps().get(0).getOutput()).as("the output that did not fit is not kept").isNull();
            assertThat(kit.events("o-1")).filteredOn(event -> event.getKind() == SagaEventKind.STUCK).singleElement()
                    .satisfies(event -> assertThat(event.getReason())
                            .startsWith("halted: the saga's state would take").contains("(input sagaline.replies-0@"));
            assertThat(kit.commands("o-1")).as("no command for the next step").hasSize(1);
            assertThat(onlyReason(kit)).as("the reply that did not fit is kept on the dead-letter topic")
                    .contains("the saga's state would take");
            assertDeadLetterRecorded(kit, "o-1", "the saga's state would take");
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

    /** A saga started after the bad record still runs to completion. */
    private static void assertProcessingGoesOn(SagaTestKit kit) {
        kit.start("next", "order");
        kit.replyTo("next", "reserve-stock").succeed();
        kit.replyTo("next", "charge-payment").succeed();
        kit.replyTo("next", "ship").succeed();
        kit.assertThat("next").isCompleted();
    }

    /** The saga's last event says that an input keyed by it went to the dead-letter topic, and why. */
    private static void assertDeadLetterRecorded(SagaTestKit kit, String sagaId, String reason) {
        assertThat(kit.events(sagaId)).last().satisfies(event -> {
            assertThat(event.getKind()).isEqualTo(SagaEventKind.INPUT_DEAD_LETTERED);
            assertThat(event.getReason()).contains(reason);
        });
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
