package dev.sagaline.participant;

import dev.sagaline.participant.internals.IndexedProcessedCommandStore;
import dev.sagaline.protocol.v1.StepReply;
import java.util.Optional;

/**
 * Where a participant remembers what it answered: per saga and step the replies that fixed the
 * step's state ({@link StepStage}), and the reply to every other command id. A reply that fixes
 * its step for good also answers its own command's redeliveries, so it is stored once, at its
 * stage. This memory is what makes duplicates harmless and enforces empty rollback and
 * anti-hanging.
 *
 * <p>In the Kafka runtime the implementation writes to the task's RocksDB stores, so every write
 * made while handling a command commits in the same transaction as the reply and the consumed
 * offset. {@link #inMemory()} serves tests and the orchestrator's in-process harness.
 *
 * <p>What is remembered for a saga that has not finished is never removed by time: the saga may
 * still send a compensation, a cancellation or a confirmation, however long it is stuck, and
 * forgetting the step would answer it without calling the handler. Once the orchestrator's
 * finish notice arrives ({@link #sagaFinished}), the saga's entries are kept for the retention,
 * counted from the notice (or from a later write): {@link #purgeOlderThan(long, int)} removes
 * those last written or finished at or before a cutoff, using a time index so the cost follows
 * the number of expired entries, not the size of the store. Implementations are used by one
 * thread at a time (one stream task, one test) and need not be thread-safe.
 */
public interface ProcessedCommandStore {

    /**
     * The reply given to {@code commandId} of {@code step} of saga {@code sagaId}, if it is still
     * remembered. A reply remembered for the same id but another saga or step is not returned.
     */
    Optional<StepReply> reply(String sagaId, String step, String commandId);

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
     * Records that saga {@code sagaId} has finished, so nothing more will be sent for it: its
     * entries' retention starts at {@code nowMs}. Repeating the notice changes nothing.
     */
    void sagaFinished(String sagaId, long nowMs);

    /**
     * Removes the entries of finished sagas whose finish and last write are at or before {@code
     * cutoffMs}, deleting at most about {@code maxKeys} index keys (a saga's keys go together, so the
     * last saga may pass the bound by its own); the rest go on the next call.
     */
    Purge purgeOlderThan(long cutoffMs, int maxKeys);

    /** A new, empty store held in this process's memory. */
    static ProcessedCommandStore inMemory() {
        return IndexedProcessedCommandStore.inMemory();
    }

    /**
     * What one purge call did.
     *
     * @param removed how many entries were removed
     * @param unfinished how many of them belong to a saga no finish notice was received for: entries
     *     written before this version, whose expiry is a risk the caller should make visible
     * @param more true when the call stopped at its bound with expired keys left
     */
    record Purge(int removed, int unfinished, boolean more) {
    }
}
