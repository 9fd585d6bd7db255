package dev.sagaline.participant;

import static dev.sagaline.participant.testsupport.RecordingHandlers.ORDER;
import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVE_STOCK;
import static dev.sagaline.protocol.v1.StepAction.DO;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.participant.example.ReserveStock;
import dev.sagaline.participant.testsupport.NewerCommands;
import dev.sagaline.participant.testsupport.ParticipantDriver;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.protocol.DeadLetterHeaders;
import dev.sagaline.protocol.DeadLetterReason;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Commands that cannot be answered go to the dead-letter topic with the reason, and processing goes on. */
class DeadLetterTest {

    private static final byte[] CORRUPT = {0, 0, 0, 0, 99, 1, 2, 3};

    private final RecordingHandlers inventory = new RecordingHandlers();
    @AutoClose
    private final ParticipantDriver participant = ParticipantDriver.start(inventory.handlers());

    @Test
    void sendsAnUnreadableCommandToTheDeadLetterTopicAndGoesOn() {
        try (ParticipantDriver atLeastOnce = ParticipantDriver.startAtLeastOnce(inventory.handlers())) {
            atLeastOnce.pipeRaw("saga-1", CORRUPT);
            atLeastOnce.pipe(atLeastOnce.command("saga-2", RESERVE_STOCK, DO).input(ORDER).build());

            List<TestRecord<String, byte[]>> deadLetters = atLeastOnce.deadLetters();
            assertThat(deadLetters).singleElement().satisfies(deadLetter -> {
                assertThat(deadLetter.key()).isEqualTo("saga-1");
                assertThat(deadLetter.value()).isEqualTo(CORRUPT);
                assertThat(header(deadLetter.headers(), DeadLetterHeaders.REASON)).isEqualTo("UNDECODABLE");
                assertThat(header(deadLetter.headers(), DeadLetterHeaders.DETAIL)).contains("unknown writer schema id 99");
                assertThat(header(deadLetter.headers(), DeadLetterHeaders.EXCEPTION))
                        .isEqualTo("org.apache.kafka.common.errors.SerializationException");
                assertThat(header(deadLetter.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(ParticipantDriver.COMMAND_TOPIC);
                assertThat(header(deadLetter.headers(), DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
                assertThat(header(deadLetter.headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
            });
            assertThat(atLeastOnce.replies()).singleElement()
                    .satisfies(reply -> assertThat(reply.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED));
        }
    }

    /** The 13 bytes of issue 18, framed for StepCommand: a string length prefix of about 2 GB, then "abc". */
    @Test
    void sendsACommandClaimingATwoGigabyteStringToTheDeadLetterTopicAndGoesOn() {
        int commandSchemaId = new InMemorySchemaRegistry().register("any", StepCommand.getClassSchema());
        byte[] hugeString = ByteBuffer.allocate(13).put((byte) 0).putInt(commandSchemaId)
                .put(new byte[] {(byte) 0xee, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 'a', 'b', 'c'}).array();
        try (ParticipantDriver atLeastOnce = ParticipantDriver.startAtLeastOnce(inventory.handlers())) {
            atLeastOnce.pipeRaw("saga-1", hugeString);
            atLeastOnce.pipe(atLeastOnce.command("saga-2", RESERVE_STOCK, DO).input(ORDER).build());

            assertThat(atLeastOnce.deadLetters()).singleElement().satisfies(deadLetter -> {
                assertThat(deadLetter.value()).isEqualTo(hugeString);
                assertThat(header(deadLetter.headers(), DeadLetterHeaders.REASON)).isEqualTo("UNDECODABLE");
                assertThat(header(deadLetter.headers(), DeadLetterHeaders.DETAIL))
                        .contains("a string claims 2147483639 bytes but the whole record body has 8");
            });
            assertThat(atLeastOnce.replies()).singleElement()
                    .satisfies(reply -> assertThat(reply.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED));
        }
    }

    @Test
    void sendsACommandForAStepWithoutAHandlerToTheDeadLetterTopicWithTheReason() {
        participant.pipe(participant.command("saga-1", "ship-parcel", DO).id("c-1").build());
        participant.pipe(participant.command("saga-2", RESERVE_STOCK, DO).input(ORDER).build());

        assertThat(participant.deadLetters()).singleElement().satisfies(deadLetter -> {
            assertThat(deadLetter.key()).isEqualTo("saga-1");
            assertThat(header(deadLetter.headers(), DeadLetterHeaders.REASON)).isEqualTo("NO_HANDLER");
            assertThat(header(deadLetter.headers(), DeadLetterHeaders.DETAIL))
                    .contains("no DO handler for step 'ship-parcel'").contains("c-1").contains(RESERVE_STOCK);
            assertThat(header(deadLetter.headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
        });
        assertThat(participant.replies()).hasSize(1);
    }

    @Test
    void sendsACommandForAnActionWithoutAHandlerToTheDeadLetterTopic() {
        participant.pipe(participant.command("saga-1", RESERVE_STOCK, StepAction.TRY).build());

        assertThat(participant.deadLetters()).singleElement()
                .satisfies(deadLetter -> assertThat(header(deadLetter.headers(), DeadLetterHeaders.REASON)).isEqualTo("NO_HANDLER"));
        assertThat(inventory.calls()).isEmpty();
    }

    @Test
    void sendsACommandWithAnUnknownActionToTheDeadLetterTopic() {
        participant.pipe(participant.command("saga-1", RESERVE_STOCK, StepAction.UNKNOWN).build());

        assertThat(participant.deadLetters()).singleElement()
                .satisfies(deadLetter -> assertThat(header(deadLetter.headers(), DeadLetterHeaders.REASON)).isEqualTo("UNKNOWN_ACTION"));
    }

    /** The dead letter keeps the bytes as written, so a command from a newer orchestrator keeps the action this participant read as UNKNOWN. */
    @Test
    void keepsTheBytesAsWrittenOnTheDeadLetter() {
        StepCommand command = participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER).build();
        byte[] newer = NewerCommands.withNewerAction(participant.participant().schemaRegistry(), ParticipantDriver.COMMAND_TOPIC + "-value",
                command);

        participant.pipeRaw("saga-1", newer);

        assertThat(participant.deadLetters()).singleElement().satisfies(deadLetter -> {
            assertThat(header(deadLetter.headers(), DeadLetterHeaders.REASON)).isEqualTo(DeadLetterReason.UNKNOWN_ACTION.name());
            assertThat(deadLetter.value()).isEqualTo(newer);
        });
    }

    @Test
    void sendsATombstoneToTheDeadLetterTopic() {
        participant.pipeRaw("saga-1", null);

        assertThat(participant.deadLetters()).singleElement().satisfies(deadLetter -> {
            assertThat(deadLetter.value()).isNull();
            assertThat(header(deadLetter.headers(), DeadLetterHeaders.REASON)).isEqualTo("EMPTY_COMMAND");
        });
        assertThat(participant.replies()).isEmpty();
    }

    /**
     * A participant's record of a step lives on the partition of its saga id, so a COMPENSATE
     * keyed otherwise would find no DO there and be answered as an empty rollback: such a command
     * is set aside before any handler runs.
     */
    @ParameterizedTest(name = "key {0}")
    @NullSource
    @ValueSource(strings = {"saga-2", ""})
    void sendsACommandWhoseKeyIsNotItsSagaIdToTheDeadLetterTopic(String key) {
        participant.pipe(key, participant.command("saga-1", RESERVE_STOCK, DO).id("c-1").input(ORDER).build());
        participant.pipe(participant.command("saga-3", RESERVE_STOCK, DO).input(ORDER).build());

        assertThat(participant.deadLetters()).singleElement().satisfies(deadLetter -> {
            assertThat(deadLetter.key()).isEqualTo(key);
            assertThat(header(deadLetter.headers(), DeadLetterHeaders.REASON)).isEqualTo(DeadLetterReason.KEY_MISMATCH.name());
            assertThat(header(deadLetter.headers(), DeadLetterHeaders.DETAIL)).contains("c-1").contains("saga 'saga-1'")
                    .contains("key '" + key + "'");
        });
        assertThat(inventory.calls()).as("only the command keyed by its saga id ran its handler").hasSize(1);
        assertThat(participant.replies()).singleElement().satisfies(reply -> assertThat(reply.getSagaId()).isEqualTo("saga-3"));
    }

    @Test
    void keepsTheCommandsOwnHeadersOnTheDeadLetter() {
        RecordHeaders sent = new RecordHeaders();
        sent.add("traceparent", "00-abc-01".getBytes(StandardCharsets.UTF_8));

        participant.pipe(participant.command("saga-1", "ship-parcel", DO).build(), sent);

        Headers headers = participant.deadLetters().get(0).headers();
        assertThat(header(headers, "traceparent")).isEqualTo("00-abc-01");
        assertThat(header(headers, DeadLetterHeaders.REASON)).isEqualTo("NO_HANDLER");
    }

    private static String header(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
