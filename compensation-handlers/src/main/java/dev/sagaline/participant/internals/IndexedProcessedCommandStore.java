package dev.sagaline.participant.internals;

import dev.sagaline.participant.ProcessedCommandStore;
import dev.sagaline.participant.StepStage;
import dev.sagaline.protocol.v1.StepReply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The one implementation of {@link ProcessedCommandStore}, over two sorted maps (in memory, in
 * Kafka Streams state stores, or in a PostgreSQL table): the entries (replies by command id and
 * by saga, step and stage) and an index of what may expire.
 *
 * <p>Entry keys are {@code command/<len>/<sagaId>/<len>/<step>/<commandId>},
 * {@code forward/<len>/<sagaId>/<step>} and {@code closing/<len>/<sagaId>/<step>}, where
 * {@code len} is the length of what follows, so no saga id and step name can collide with another
 * pair. Entries written by earlier versions under {@code command/<commandId>} are still read, but
 * only for the saga and step they were written for.
 *
 * <p>An entry needs no index record: every entry key of a saga starts with one of three prefixes
 * holding its id, so the purge finds a saga's entries by key range. The finish notice writes only
 * the marker {@code ~finished/<len>/<sagaId>}, valued with its time, and the marker's time key
 * {@code <16 hex digits of the time>/~finished/...}, so expired sagas are a key range; a write
 * after the finish moves the marker on. When the marker expires, the purge removes the saga's
 * entries by their prefixes. So the index holds two records per finished saga, none per entry.
 * Earlier versions wrote index keys of two more kinds, which the purge still removes:
 * {@code saga/<len>/<sagaId>/<entryKey>} for each entry, and time keys naming an entry
 * ({@code <time>/<entryKey>}), written when entries were moved on the notice or before notices
 * existed.
 */
public final class IndexedProcessedCommandStore implements ProcessedCommandStore {

    private static final String LOWEST_TIME_KEY = timeKey(0);
    private static final String FINISHED_PREFIX = "~finished/";
    private static final String COMMAND_PREFIX = "command/";
    private static final String FORWARD_PREFIX = "forward/";
    private static final String CLOSING_PREFIX = "closing/";
    /** What every entry key of a saga starts with, before {@code <len>/<sagaId>/}. */
    private static final List<String> ENTRY_PREFIXES = List.of(COMMAND_PREFIX, FORWARD_PREFIX, CLOSING_PREFIX);

    private final SortedKeyValue<StepReply> entries;
    private final SortedKeyValue<String> index;

    private IndexedProcessedCommandStore(SortedKeyValue<StepReply> entries, SortedKeyValue<String> index) {
        this.entries = entries;
        this.index = index;
    }

    /** A store held in this process's memory. */
    public static IndexedProcessedCommandStore inMemory() {
        return new IndexedProcessedCommandStore(new TreeMapKeyValue<>(), new TreeMapKeyValue<>());
    }

    /**
     * A store in the rows of a PostgreSQL table (see {@code dev.sagaline.participant.outbox.Inbox}
     * for its DDL), written on {@code tx}, so its entries commit or roll back with the caller's
     * transaction.
     */
    public static IndexedProcessedCommandStore inTransaction(Connection tx, String table) {
        return new IndexedProcessedCommandStore(
                new JdbcKeyValue<>(tx, table, "entry", IndexedProcessedCommandStore::encode, IndexedProcessedCommandStore::decode),
                new JdbcKeyValue<>(tx, table, "index", key -> key.getBytes(StandardCharsets.UTF_8),
                        bytes -> new String(bytes, StandardCharsets.UTF_8)));
    }

    /** Avro single-object encoding: the schema's fingerprint travels with the bytes, so a later reader can tell the version. */
    private static byte[] encode(StepReply reply) {
        try {
            ByteBuffer buffer = reply.toByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a reply in memory cannot fail", e);
        }
    }

    private static StepReply decode(byte[] bytes) {
        try {
            return StepReply.fromByteBuffer(ByteBuffer.wrap(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("an inbox entry holds bytes this version cannot read as a StepReply", e);
        }
    }

    /** A store over a stream task's state stores. */
    public static IndexedProcessedCommandStore over(KeyValueStore<String, StepReply> entries, KeyValueStore<String, String> index) {
        return new IndexedProcessedCommandStore(new KafkaKeyValue<>(entries), new KafkaKeyValue<>(index));
    }

    @Override
    public Optional<StepReply> reply(String sagaId, String step, String commandId) {
        StepReply reply = entries.get(commandKey(sagaId, step, commandId));
        if (reply == null) {
            // Written by an earlier version, keyed by the command id alone, which two sagas could share.
            reply = entries.get(COMMAND_PREFIX + commandId);
            if (reply != null && !(reply.getSagaId().equals(sagaId) && reply.getStep().equals(step))) {
                reply = null;
            }
        }
        return Optional.ofNullable(reply);
    }

    @Override
    public void putReply(StepReply reply) {
        write(commandKey(reply.getSagaId(), reply.getStep(), reply.getCommandId()), reply);
    }

    @Override
    public Optional<StepReply> stepReply(String sagaId, String step, StepStage stage) {
        return Optional.ofNullable(entries.get(stepKey(stage, sagaId, step)));
    }

    @Override
    public void putStepReply(StepStage stage, StepReply reply) {
        write(stepKey(stage, reply.getSagaId(), reply.getStep()), reply);
    }

    @Override
    public void sagaFinished(String sagaId, long nowMs) {
        if (index.get(finishedKey(sagaId)) != null) {
            return;
        }
        markFinished(sagaId, nowMs);
    }

    @Override
    public Purge purgeOlderThan(long cutoffMs, int maxKeys) {
        if (cutoffMs < 0) {
            return new Purge(0, 0, false);
        }
        // One key beyond the bound tells whether anything is left for the next call.
        int probe = maxKeys < Integer.MAX_VALUE ? maxKeys + 1 : maxKeys;
        List<String> expired = index.keysBetween(LOWEST_TIME_KEY, timeKey(cutoffMs + 1), probe);
        int removed = 0;
        int unfinished = 0;
        // Every index key deleted counts towards the bound; a finished saga's keys go together, so
        // the last saga of a call may pass it by its own keys.
        int deleted = 0;
        int taken = 0;
        for (; taken < expired.size() && deleted < maxKeys; taken++) {
            String indexKey = expired.get(taken);
            deleted++;
            String target = index.get(indexKey);
            index.delete(indexKey);
            if (target == null) {
                continue;
            }
            if (target.startsWith(FINISHED_PREFIX)) {
                String finishedAt = index.get(target);
                if (finishedAt != null && Long.parseLong(finishedAt) <= cutoffMs) {
                    String saga = target.substring(FINISHED_PREFIX.length()) + "/";
                    for (String sagaKey : keysUnder(index, "saga/" + saga)) {
                        deleted++;
                        String entryKey = index.get(sagaKey);
                        index.delete(sagaKey);
                        if (entryKey != null && entries.get(entryKey) != null) {
                            entries.delete(entryKey);
                            removed++;
                        }
                    }
                    for (String prefix : ENTRY_PREFIXES) {
                        for (String entryKey : keysUnder(entries, prefix + saga)) {
                            deleted++;
                            entries.delete(entryKey);
                            removed++;
                        }
                    }
                    index.delete(target);
                    deleted++;
                }
                continue;
            }
            StepReply entry = entries.get(target);
            if (entry != null && entry.getRepliedAtMs().toEpochMilli() <= cutoffMs) {
                entries.delete(target);
                removed++;
                if (index.get(finishedKey(entry.getSagaId())) == null) {
                    unfinished++;
                }
            }
        }
        return new Purge(removed, unfinished, taken < expired.size());
    }

    /** One saga's keys under {@code prefix}, which ends with {@code <len>/<sagaId>/}. */
    private static List<String> keysUnder(SortedKeyValue<?> map, String prefix) {
        // The upper bound replaces the prefix's closing '/' by the next character; keys of a
        // longer or shorter id differ in their length part, so only this saga's keys are in range.
        return map.keysBetween(prefix, prefix.substring(0, prefix.length() - 1) + '0', Integer.MAX_VALUE);
    }

    private void write(String entryKey, StepReply reply) {
        Objects.requireNonNull(reply, "reply");
        entries.put(entryKey, reply);
        if (index.get(finishedKey(reply.getSagaId())) != null) {
            markFinished(reply.getSagaId(), reply.getRepliedAtMs().toEpochMilli());
        }
    }

    /** Moves the marker's expiry to {@code atMs}, so it outlives every entry of the saga on the time index. */
    private void markFinished(String sagaId, long atMs) {
        String marker = finishedKey(sagaId);
        String earlier = index.get(marker);
        long finishedAt = earlier == null ? atMs : Math.max(atMs, Long.parseLong(earlier));
        index.put(marker, Long.toString(finishedAt));
        index.put(timeKey(finishedAt) + "/" + marker, marker);
    }

    private static String commandKey(String sagaId, String step, String commandId) {
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(step, "step");
        return COMMAND_PREFIX + sagaId.length() + "/" + sagaId + "/" + step.length() + "/" + step + "/"
                + Objects.requireNonNull(commandId, "commandId");
    }

    private static String stepKey(StepStage stage, String sagaId, String step) {
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(step, "step");
        String prefix = stage == StepStage.FORWARD ? FORWARD_PREFIX : CLOSING_PREFIX;
        return prefix + sagaId.length() + "/" + sagaId + "/" + step;
    }

    private static String finishedKey(String sagaId) {
        return FINISHED_PREFIX + sagaId.length() + "/" + Objects.requireNonNull(sagaId, "sagaId");
    }

    /** Fixed-width hex sorts like the number for every non-negative time. */
    private static String timeKey(long timeMs) {
        return String.format("%016x", Math.max(0L, timeMs));
    }
}
