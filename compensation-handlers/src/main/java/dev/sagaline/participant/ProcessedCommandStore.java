package dev.sagaline.participant;

import dev.sagaline.participant.internals.IndexedProcessedCommandStore;
import dev.sagaline.protocol.v1.StepReply;
import java.util.Optional;

/**
 * Where a participant remembers what it answered: the reply to every command id, and per saga and
 * step the replies that fixed the step's state ({@link StepStage}). This memory is what makes
 * duplicates harmless and enforces empty rollback and anti-hanging.
 *
 * <p>In the Kafka runtime the implementation writes to the task's RocksDB stores, so every write
 * made while handling a command commits in the same transaction as the reply and the consumed
 * offset. {@link #inMemory()} serves tests and the orchestrator's in-process harness.
 *
 * <p>Entries are kept for a retention period: {@link #purgeOlderThan(long)} removes entries last
 * written at or before a cutoff, using a time index so the cost follows the number of expired
 * entries, not the size of the store. Implementations are used by one thread at a time (one
 * stream task, one test) and need not be thread-safe.
 */
public interface ProcessedCommandStore {

    /** The reply given to {@code commandId}, if it is still remembered. */
    Optional<StepReply> reply(String commandId);

    /** Remembers {@code reply} as the answer to its command id, written at its {@code repliedAtMs}. */
    void putReply(StepReply reply);

    /** The reply remembered for the step at {@code stage}, if any. */
    Optional<StepReply> stepReply(String sagaId, String step, StepStage stage);

    /**
     * Remembers {@code reply} for its saga and step at {@code stage}, replacing any earlier one,
     * written at its {@code repliedAtMs}.
     */
    void putStepReply(StepStage stage, StepReply reply);

    /**
     * Removes every entry last written at or before {@code cutoffMs}.
     *
     * @return how many entries were removed
     */
    int purgeOlderThan(long cutoffMs);

    /** A new, empty store held in this process's memory. */
    static ProcessedCommandStore inMemory() {
        return IndexedProcessedCommandStore.inMemory();
    }
}
