package dev.sagaline.orchestrator.runtime;

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
        String from = status == null ? null : StatusIndex.key(status, "");
        String to = status == null ? null : status.name() + (char) (StatusIndex.SEPARATOR + 1);
        if (after != null && (from == null || after.compareTo(from) >= 0)) {
            from = after + '\u0000';
        }
        StateQueryRequest<KeyValueIterator<String, String>> request = StateQueryRequest.inStore(SagaTopology.STATUS_INDEX_STORE)
                .withQuery(RangeQuery.<String, String>withRange(from, to)).requireActive();
        StateQueryResult<KeyValueIterator<String, String>> result = streams.query(request);
        List<KeyValueIterator<String, String>> iterators = new ArrayList<>();
        result.getPartitionResults().values().stream().filter(QueryResult::isSuccess).forEach(r -> iterators.add(r.getResult()));
        try {
            return merged(iterators, sagaType, limit);
        } finally {
            iterators.forEach(KeyValueIterator::close);
        }
    }

    /** This instance's sagas counted by type and status. */
    public Map<String, Map<SagaStatus, Long>> localCounts() {
        Map<String, Map<SagaStatus, Long>> counts = new TreeMap<>();
        StateQueryRequest<KeyValueIterator<String, String>> request = StateQueryRequest.inStore(SagaTopology.STATUS_INDEX_STORE)
                .withQuery(RangeQuery.<String, String>withNoBounds()).requireActive();
        for (QueryResult<KeyValueIterator<String, String>> partition : streams.query(request).getPartitionResults().values()) {
            if (!partition.isSuccess()) {
                continue;
            }
            try (KeyValueIterator<String, String> it = partition.getResult()) {
                while (it.hasNext()) {
                    KeyValue<String, String> entry = it.next();
                    counts.computeIfAbsent(entry.value, t -> new EnumMap<>(SagaStatus.class))
                            .merge(StatusIndex.statusOf(entry.key), 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    /** Merges the partitions' sorted iterators, keeping only {@code sagaType} when given. */
    private static List<SagaListing> merged(List<KeyValueIterator<String, String>> iterators, String sagaType, int limit) {
        record Head(KeyValue<String, String> entry, KeyValueIterator<String, String> rest) {
        }
        PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing((Head h) -> h.entry().key));
        for (KeyValueIterator<String, String> it : iterators) {
            if (it.hasNext()) {
                heads.add(new Head(it.next(), it));
            }
        }
        List<SagaListing> page = new ArrayList<>();
        while (!heads.isEmpty() && page.size() < limit) {
            Head head = heads.poll();
            KeyValue<String, String> entry = head.entry();
            if (sagaType == null || sagaType.equals(entry.value)) {
                page.add(new SagaListing(StatusIndex.sagaIdOf(entry.key), StatusIndex.statusOf(entry.key), entry.value, entry.key));
            }
            if (head.rest().hasNext()) {
                heads.add(new Head(head.rest().next(), head.rest()));
            }
        }
        return page;
    }
}
