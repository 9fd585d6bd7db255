package dev.sagaline.participant;

import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVE_STOCK;
import static dev.sagaline.protocol.v1.StepAction.COMPENSATE;
import static dev.sagaline.protocol.v1.StepAction.DO;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.participant.example.ReserveStock;
import dev.sagaline.participant.testsupport.ParticipantDriver;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The memory of answered commands is bounded by the retention, purged on the wall clock. */
class RetentionTest {

    private static final Duration RETENTION = Duration.ofHours(1);
    private static final ReserveStock ORDER = new ReserveStock("o-1", "sku-42", 2);

    private final RecordingHandlers inventory = new RecordingHandlers();
    private final ParticipantDriver participant = ParticipantDriver.start(inventory.handlers(),
            builder -> builder.processedRetention(RETENTION).purgeInterval(Duration.ofMinutes(1)));

    @AfterEach
    void close() {
        participant.close();
    }

    @Test
    void remembersACommandForTheWholeRetention() {
        StepCommand reserve = participant.command("saga-1", RESERVE_STOCK, DO).id("c-1").input(ORDER).build();
        participant.send(reserve);

        participant.advanceWallClock(RETENTION.minusMinutes(1));
        participant.send(reserve);

        assertThat(inventory.calls(DO)).isEqualTo(1);
    }

    @Test
    void forgetsEverythingOlderThanTheRetention() {
        StepCommand reserve = participant.command("saga-1", RESERVE_STOCK, DO).id("c-1").input(ORDER).build();
        participant.send(reserve);
        assertThat(keys(ParticipantTopology.PROCESSED_STORE)).hasSize(2);

        participant.advanceWallClock(RETENTION.plusMinutes(1));

        assertThat(keys(ParticipantTopology.PROCESSED_STORE)).isEmpty();
        assertThat(keys(ParticipantTopology.PROCESSED_BY_TIME_STORE)).isEmpty();
        participant.send(reserve);
        assertThat(inventory.calls(DO)).isEqualTo(2);
    }

    @Test
    void countsEachEntrysRetentionFromItsOwnWrite() {
        participant.send(participant.command("saga-1", RESERVE_STOCK, DO).input(ORDER));
        participant.advanceWallClock(Duration.ofMinutes(50));
        participant.send(participant.command("saga-1", RESERVE_STOCK, COMPENSATE).input(RecordingHandlers.reservationFor(ORDER)));

        participant.advanceWallClock(Duration.ofMinutes(20));
        StepReply lateDo = participant.send(participant.command("saga-1", RESERVE_STOCK, DO).attempt(2).input(ORDER));

        assertThat(keys(ParticipantTopology.PROCESSED_STORE))
                .noneMatch(key -> key.startsWith("forward/"))
                .anyMatch(key -> key.startsWith("closing/"));
        assertThat(lateDo.getOutcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(lateDo.getErrorCode()).isEqualTo(ParticipantErrorCodes.ALREADY_ROLLED_BACK);
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
