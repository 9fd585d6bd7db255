package dev.sagaline.orchestrator.testing;

import dev.sagaline.participant.CommandDispatcher;
import dev.sagaline.participant.ParticipantConfig;
import dev.sagaline.participant.ParticipantHandlers;
import dev.sagaline.participant.ProcessedCommandStore;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.serde.Payloads;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Runs a service's handlers for the test kit through the participant library's own dispatcher,
 * with an in-memory record of processed commands, purged on the kit's clock with the library's
 * default retention before every command, so a test that moves time by days sees what a
 * long-lived participant would remember. Kept apart from {@link SagaTestKit} so that the
 * participant library is only needed by tests that plug handlers in.
 */
final class HandlerParticipant {

    private HandlerParticipant() {
    }

    static Function<StepCommand, StepReply> answering(ParticipantHandlers handlers, Payloads payloads, LongSupplier nowMs) {
        long retentionMs = (Long) ParticipantConfig.configDef().defaultValues().get(ParticipantConfig.PROCESSED_RETENTION_MS_CONFIG);
        ProcessedCommandStore store = ProcessedCommandStore.inMemory();
        CommandDispatcher dispatcher = CommandDispatcher.create(handlers, payloads, store, new KitClock(nowMs));
        return command -> {
            store.purgeOlderThan(nowMs.getAsLong() - retentionMs, Integer.MAX_VALUE);
            return dispatcher.handle(command);
        };
    }

    /** The kit's clock as a {@link Clock}, for the replies' and the store's times. */
    private static final class KitClock extends Clock {

        private final LongSupplier nowMs;

        KitClock(LongSupplier nowMs) {
            this.nowMs = nowMs;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the kit's clock is UTC only");
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(nowMs.getAsLong());
        }
    }
}
