package dev.sagaline.participant;

import static dev.sagaline.participant.testsupport.RecordingHandlers.HOLD;
import static dev.sagaline.participant.testsupport.RecordingHandlers.HOLD_FUNDS;
import static dev.sagaline.participant.testsupport.RecordingHandlers.ORDER;
import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVE_STOCK;
import static dev.sagaline.protocol.v1.StepAction.COMPENSATE;
import static dev.sagaline.protocol.v1.StepAction.CONFIRM;
import static dev.sagaline.protocol.v1.StepAction.DO;
import static dev.sagaline.protocol.v1.StepAction.FORGET;
import static dev.sagaline.protocol.v1.StepAction.TRY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.participant.testsupport.ParticipantDriver;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The memory of answered commands lives as long as the saga may still send something: entries of
 * an unfinished saga never expire by time, and the retention counts from the finish notice.
 */
class RetentionTest {

    private static final Duration RETENTION = Duration.ofHours(1);
    private static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);

    private final RecordingHandlers inventory = new RecordingHandlers();
    private ParticipantDriver participant = ParticipantDriver.start(inventory.handlers(),
            builder -> builder.processedRetention(RETENTION).purgeInterval(PURGE_INTERVAL));

    @AfterEach
    void close() {
        participant.close();
    }

    @Test
    void runsTheCompensationOfAStepWhoseSagaIsUnfinishedLongAfterTheRetention() {
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));

        participant.advanceWallClock(Duration.ofDays(30));
        StepReply compensated = participant.send(participant.command("saga-1", RESERVE_STOCK, COMPENSATE)
                .input(RecordingHandlers.reservationFor(ORDER)));

        assertThat(compensated.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(inventory.calls(COMPENSATE)).isEqualTo(1);
    }

    @Test
    void confirmsATryWhoseSagaIsUnfinishedLongAfterTheRetention() {
        participant.send(participant.command("saga-1", HOLD_FUNDS, TRY).input(HOLD));

        participant.advanceWallClock(Duration.ofDays(30));
        StepReply confirmed = participant.send(participant.command("saga-1", HOLD_FUNDS, CONFIRM).input(HOLD));

        assertThat(confirmed.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(inventory.calls(CONFIRM)).isEqualTo(1);
    }

    @Test
    void answersTheFinishNoticeWithNothingEvenForAStepItHasNoHandlerFor() {
        participant.pipe(participant.command("saga-1", "ship", FORGET).build());

        assertThat(participant.replies()).isEmpty();
        assertThat(participant.deadLetters()).isEmpty();
    }

    @Test
    void forgetsAFinishedSagaOneRetentionAfterItsFinishNotice() {
        StepReply first = participant.send(participant.command("saga-1", RESERVE_STOCK, DO).id("c-1").input(ORDER));
        participant.advanceWallClock(Duration.ofHours(5));
        participant.pipe(participant.command("saga-1", RESERVE_STOCK, FORGET).build());

        participant.advanceWallClock(RETENTION.minus(PURGE_INTERVAL.multipliedBy(2)));
        assertThat(keys(ParticipantTopology.PROCESSED_STORE)).hasSize(1);
        assertThat(participant.send(participant.command("saga-1", RESERVE_STOCK, DO).id("c-1").input(ORDER)).getCommandId())
                .isEqualTo(first.getCommandId());
        assertThat(inventory.calls(DO)).isEqualTo(1);

        participant.advanceWallClock(PURGE_INTERVAL.multipliedBy(3));
        assertThat(keys(ParticipantTopology.PROCESSED_STORE)).isEmpty();
        assertThat(keys(ParticipantTopology.PROCESSED_BY_TIME_STORE)).isEmpty();
    }

    /** The orchestrator sends one notice per command topic, named after one of the saga's steps there. */
    @Test
    void forgetsEveryStepOfAFinishedSagaAfterOneNoticeNamingOneOfThem() {
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));
        participant.send(participant.command("saga-1", HOLD_FUNDS, TRY).input(HOLD));
        participant.pipe(participant.command("saga-1", RESERVE_STOCK, FORGET).build());

        participant.advanceWallClock(RETENTION.plus(PURGE_INTERVAL.multipliedBy(2)));

        assertThat(keys(ParticipantTopology.PROCESSED_STORE)).isEmpty();
        assertThat(keys(ParticipantTopology.PROCESSED_BY_TIME_STORE)).isEmpty();
    }

    /** The notice ends every saga, so what it writes is paid per saga: its marker, not a move of every entry. */
    @Test
    void writesOnlyTheFinishedMarkerForTheFinishNoticeHoweverManyStepsTheSagaHad() {
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));
        participant.send(participant.command("saga-1", HOLD_FUNDS, TRY).input(HOLD));
        TestOutputTopic<byte[], byte[]> indexChangelog = indexChangelog();
        indexChangelog.readRecordsToList();

        participant.pipe(participant.command("saga-1", RESERVE_STOCK, FORGET).build());

        assertThat(indexChangelog.readRecordsToList()).as("index records written for the notice").hasSize(2);
    }

    /** Entry keys start with the saga's id, so the purge finds a saga's entries without an index record per entry. */
    @Test
    void writesNoIndexRecordForAnAnsweredCommand() {
        TestOutputTopic<byte[], byte[]> indexChangelog = indexChangelog();

        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));
        participant.send(participant.command("saga-1", HOLD_FUNDS, TRY).input(HOLD));

        assertThat(indexChangelog.readRecordsToList()).as("index records written for two answered commands").isEmpty();
    }

    @Test
    void purgesAFinishedSagaWhoseEntriesAnEarlierVersionIndexedBySagaKey() {
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));
        KeyValueStore<String, String> index = participant.driver().getKeyValueStore(ParticipantTopology.PROCESSED_BY_TIME_STORE);
        for (String entryKey : keys(ParticipantTopology.PROCESSED_STORE)) {
            index.put("saga/6/saga-1/" + entryKey, entryKey);
        }
        participant.pipe(participant.command("saga-1", RESERVE_STOCK, FORGET).build());

        participant.advanceWallClock(RETENTION.plus(PURGE_INTERVAL.multipliedBy(2)));

        assertThat(keys(ParticipantTopology.PROCESSED_STORE)).isEmpty();
        assertThat(keys(ParticipantTopology.PROCESSED_BY_TIME_STORE)).isEmpty();
    }

    @Test
    void keepsWhatIsWrittenAfterTheFinishNoticeForARetentionFromItsWrite() {
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));
        participant.pipe(participant.command("saga-1", RESERVE_STOCK, FORGET).build());
        participant.advanceWallClock(Duration.ofMinutes(50));
        participant.send(participant.command("saga-1", RESERVE_STOCK, COMPENSATE).input(RecordingHandlers.reservationFor(ORDER)));

        participant.advanceWallClock(Duration.ofMinutes(20));
        StepReply lateDo = participant.send(participant.command("saga-1", RESERVE_STOCK, DO).attempt(2).input(ORDER));

        // the saga's records go together, a retention after its last write
        assertThat(keys(ParticipantTopology.PROCESSED_STORE))
                .anyMatch(key -> key.startsWith("forward/"))
                .anyMatch(key -> key.startsWith("closing/"));
        assertThat(lateDo.getOutcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(lateDo.getErrorCode()).isEqualTo(ParticipantErrorCodes.ALREADY_ROLLED_BACK);
    }

    @Test
    void purgesAtMostOneBatchOfKeysPerPunctuation() {
        participant.close();
        participant = ParticipantDriver.start(inventory.handlers(),
                builder -> builder.processedRetention(RETENTION).purgeInterval(PURGE_INTERVAL).purgeBatch(3));
        for (int saga = 1; saga <= 3; saga++) {
            participant.send(participant.command("saga-" + saga, RESERVE_STOCK, DO).input(ORDER));
            participant.pipe(participant.command("saga-" + saga, RESERVE_STOCK, FORGET).build());
        }
        // Each saga has one entry (its reply, remembered for its step), its finished marker and the marker's time key.
        assertThat(keys(ParticipantTopology.PROCESSED_STORE)).hasSize(3);
        assertThat(keys(ParticipantTopology.PROCESSED_BY_TIME_STORE)).hasSize(6);

        participant.advanceWallClock(RETENTION.plus(PURGE_INTERVAL));
        assertThat(keys(ParticipantTopology.PROCESSED_STORE)).hasSize(3 - 1);
        assertThat(keys(ParticipantTopology.PROCESSED_BY_TIME_STORE)).hasSize(6 - 2);
        participant.advanceWallClock(PURGE_INTERVAL);
        assertThat(keys(ParticipantTopology.PROCESSED_STORE)).hasSize(3 - 1 - 1);
        assertThat(keys(ParticipantTopology.PROCESSED_BY_TIME_STORE)).hasSize(6 - 2 - 2);
        participant.advanceWallClock(PURGE_INTERVAL);

        assertThat(keys(ParticipantTopology.PROCESSED_BY_TIME_STORE)).isEmpty();
        assertThat(keys(ParticipantTopology.PROCESSED_STORE)).isEmpty();
    }

    @Test
    void countsEntriesOfAnUnfinishedSagaThatExpireByTime() {
        // An entry as versions before finish notices wrote it: keyed by command id, on the time index.
        KeyValueStore<String, StepReply> entries = participant.driver().getKeyValueStore(ParticipantTopology.PROCESSED_STORE);
        KeyValueStore<String, String> index = participant.driver().getKeyValueStore(ParticipantTopology.PROCESSED_BY_TIME_STORE);
        StepReply legacy = participant.send(participant.command("saga-1", RESERVE_STOCK, DO).id("c-1").input(ORDER));
        entries.put("command/c-1", legacy);
        index.put(String.format("%016x", legacy.getRepliedAtMs().toEpochMilli()) + "/command/c-1", "command/c-1");

        participant.advanceWallClock(RETENTION.plus(PURGE_INTERVAL));

        assertThat(entries.get("command/c-1")).isNull();
        assertThat(unfinishedExpired()).isEqualTo(1.0);
        assertThat(keys(ParticipantTopology.PROCESSED_STORE)).hasSize(1);
    }

    private TestOutputTopic<byte[], byte[]> indexChangelog() {
        return participant.driver().createOutputTopic(
                ParticipantDriver.APPLICATION_ID + "-" + ParticipantTopology.PROCESSED_BY_TIME_STORE + "-changelog",
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private double unfinishedExpired() {
        return participant.driver().metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(ParticipantTopology.UNFINISHED_EXPIRED_METRIC))
                .map(e -> (Metric) e.getValue())
                .mapToDouble(metric -> (Double) metric.metricValue())
                .sum();
    }

    private List<String> keys(String storeName) {
        KeyValueStore<String, Object> store = participant.driver().getKeyValueStore(storeName);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Object> all = store.all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }
}
