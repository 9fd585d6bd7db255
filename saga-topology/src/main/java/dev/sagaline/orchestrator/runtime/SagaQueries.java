package dev.sagaline.orchestrator.runtime;

import dev.sagaline.orchestrator.internals.store.SagaIndex;
import dev.sagaline.orchestrator.internals.store.StatusIndex;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Interactive queries (IQv2) over one orchestrator instance's active stores: a saga by id, sagas
 * by status and type from the status index, and counts. Each instance answers only for the
 * partitions it owns; {@link #ownerOf} and {@link #instances} say where the rest live (from each
 * instance's {@code application.server}), so a caller can ask the owner or ask every instance and
 * merge their sorted lists.
 */
public final class SagaQueries {

    private final KafkaStreams streams;

    SagaQueries(KafkaStreams streams) {
        this.streams = streams;
    }

    /** The saga's state if this instance owns it and knows it; empty otherwise. */
    public Optional<SagaState> local(String sagaId) {
        StateQueryRequest<SagaState> request = StateQueryRequest.inStore(SagaTopology.SAGA_STATE_STORE)
                .withQuery(KeyQuery.<String, SagaState>withKey(sagaId)).requireActive();
        StateQueryResult<SagaState> result = streams.query(request);
        for (QueryResult<SagaState> partition : result.getPartitionResults().values()) {
            if (partition.isSuccess() && partition.getResult() != null) {
                return Optional.of(partition.getResult());
            }
        }
        return Optional.empty();
    }

    /** The instance that owns {@code sagaId}'s partition, or empty while that is not known (a rebalance, or not yet running). */
    public Optional<HostInfo> ownerOf(String sagaId) {
        KeyQueryMetadata metadata = streams.queryMetadataForKey(SagaTopology.SAGA_STATE_STORE, sagaId, Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return Optional.empty();
        }
        return Optional.of(metadata.activeHost());
    }

    /** Every instance of the application that hosts saga state, by its {@code application.server}. */
    public List<HostInfo> instances() {
        return streams.streamsMetadataForStore(SagaTopology.SAGA_STATE_STORE).stream().map(StreamsMetadata::hostInfo).distinct().toList();
    }

    /**
     * Up to {@code limit} of this instance's sagas, sorted by status then saga id, starting after
     * {@code after} (a {@link SagaListing#position()}, or null for the start).
     *
     * @param status only sagas in this status, or null for all
     * @param sagaType only sagas of this type, or null for all
     */
    public List<SagaListing> localList(SagaStatus status, String sagaType, String after, int limit) {
        Bytes from = SagaIndex.statusKey(status == null ? "" : StatusIndex.key(status, ""));
        Bytes to = status == null ? SagaIndex.afterStatuses() : SagaIndex.statusKey(status.name() + (char) (StatusIndex.SEPARATOR + 1));
        if (after != null && SagaIndex.statusKey(after).compareTo(from) >= 0) {
            from = SagaIndex.statusKey(after + '\u0000');
        }
        List<KeyValueIterator<Bytes, byte[]>> iterators = localStatusEntries(RangeQuery.withRange(from, to));
        try {
            return merged(iterators, sagaType, limit);
        } finally {
            iterators.forEach(KeyValueIterator::close);
        }
    }

    /** This instance's sagas counted by type and status. */
    public Map<String, Map<SagaStatus, Long>> localCounts() {
        Map<String, Map<SagaStatus, Long>> counts = new TreeMap<>();
        List<KeyValueIterator<Bytes, byte[]>> iterators = localStatusEntries(RangeQuery.withRange(SagaIndex.statusKey(""), SagaIndex.afterStatuses()));
        try {
            for (KeyValueIterator<Bytes, byte[]> it : iterators) {
                while (it.hasNext()) {
                    KeyValue<Bytes, byte[]> entry = it.next();
                    counts.computeIfAbsent(StatusIndex.sagaTypeOf(entry.value), t -> new EnumMap<>(SagaStatus.class))
                            .merge(StatusIndex.statusOf(SagaIndex.statusIndexKeyOf(entry.key)), 1L, Long::sum);
                }
            }
        } finally {
            iterators.forEach(KeyValueIterator::close);
        }
        return counts;
    }

    /** The status index entries in {@code range} of every active task of this instance, one sorted iterator per task. */
    private List<KeyValueIterator<Bytes, byte[]>> localStatusEntries(RangeQuery<Bytes, byte[]> range) {
        StateQueryRequest<KeyValueIterator<Bytes, byte[]>> request = StateQueryRequest.inStore(SagaTopology.INDEX_STORE)
                .withQuery(range).requireActive();
        List<KeyValueIterator<Bytes, byte[]>> iterators = new ArrayList<>();
        streams.query(request).getPartitionResults().values().stream().filter(QueryResult::isSuccess).forEach(r -> iterators.add(r.getResult()));
        return iterators;
    }

    /** Merges the tasks' sorted iterators, keeping only {@code sagaType} when given. */
    private static List<SagaListing> merged(List<KeyValueIterator<Bytes, byte[]>> iterators, String sagaType, int limit) {
        record Head(Bytes key, byte[] type, KeyValueIterator<Bytes, byte[]> rest) {
            static Head of(KeyValueIterator<Bytes, byte[]> it) {
                KeyValue<Bytes, byte[]> entry = it.next();
                return new Head(entry.key, entry.value, it);
            }
        }
        PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing(Head::key));
        for (KeyValueIterator<Bytes, byte[]> it : iterators) {
            if (it.hasNext()) {
                heads.add(Head.of(it));
            }
        }
        List<SagaListing> page = new ArrayList<>();
        while (!heads.isEmpty() && page.size() < limit) {
            Head head = heads.poll();
            String key = SagaIndex.statusIndexKeyOf(head.key());
            String type = StatusIndex.sagaTypeOf(head.type());
            if (sagaType == null || sagaType.equals(type)) {
                page.add(new SagaListing(StatusIndex.sagaIdOf(key), StatusIndex.statusOf(key), type, key));
            }
            if (head.rest().hasNext()) {
                heads.add(Head.of(head.rest()));
            }
        }
        return page;
    }
}
