package dev.sagaline.participant.internals;

import dev.sagaline.participant.ProcessedCommandStore;
import dev.sagaline.participant.StepStage;
import dev.sagaline.protocol.v1.StepReply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The one implementation of {@link ProcessedCommandStore}, over two sorted maps (in memory, in
 * Kafka Streams state stores, or in a PostgreSQL table): the entries
 * (replies by command id and by saga, step and stage) and a time index whose keys start with the
 * entry's write time as 16 hex digits, so expired entries are a key range.
 *
 * <p>Entry keys are {@code command/<commandId>}, {@code forward/<len>/<sagaId>/<step>} and
 * {@code closing/<len>/<sagaId>/<step>}, where {@code len} is the saga id's length, so no saga id
 * and step name can collide with another pair. An entry rewritten later keeps its old index key
 * until that expires; the purge then sees the entry's newer write time and keeps the entry.
 */
public final class IndexedProcessedCommandStore implements ProcessedCommandStore {

    private static final String LOWEST_INDEX_KEY = timeKey(0);

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
    public Optional<StepReply> reply(String commandId) {
        return Optional.ofNullable(entries.get(commandKey(commandId)));
    }

    @Override
    public void putReply(StepReply reply) {
        write(commandKey(reply.getCommandId()), reply);
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
    public int purgeOlderThan(long cutoffMs) {
        if (cutoffMs < 0) {
            return 0;
        }
        int removed = 0;
        for (String indexKey : index.keysBetween(LOWEST_INDEX_KEY, timeKey(cutoffMs + 1))) {
            String entryKey = index.get(indexKey);
            StepReply entry = entryKey == null ? null : entries.get(entryKey);
            if (entry != null && entry.getRepliedAtMs().toEpochMilli() <= cutoffMs) {
                entries.delete(entryKey);
                removed++;
            }
            index.delete(indexKey);
        }
        return removed;
    }

    private void write(String entryKey, StepReply reply) {
        Objects.requireNonNull(reply, "reply");
        entries.put(entryKey, reply);
        index.put(timeKey(reply.getRepliedAtMs().toEpochMilli()) + "/" + entryKey, entryKey);
    }

    private static String commandKey(String commandId) {
        return "command/" + Objects.requireNonNull(commandId, "commandId");
    }

    private static String stepKey(StepStage stage, String sagaId, String step) {
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(step, "step");
        String prefix = stage == StepStage.FORWARD ? "forward/" : "closing/";
        return prefix + sagaId.length() + "/" + sagaId + "/" + step;
    }

    /** Fixed-width hex sorts like the number for every non-negative time. */
    private static String timeKey(long timeMs) {
        return String.format("%016x", Math.max(0L, timeMs));
    }
}
