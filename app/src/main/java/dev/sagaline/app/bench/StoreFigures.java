package dev.sagaline.app.bench;

import dev.sagaline.orchestrator.runtime.SagaTopology;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** What the sagas of a running orchestrator take in its stores, read by interactive queries. */
final class StoreFigures {

    private StoreFigures() {
    }

    /** Logical bytes a saga in {@code status} takes in the stores: its state record and key, and its timer entry. */
    static long bytesPerSaga(SagalineApp app, ProtocolSerdes serdes, SagaStatus status) {
        long bytes = 0;
        long count = 0;
        try (KeyValueIterator<String, SagaState> all = store(app).all()) {
            while (all.hasNext()) {
                KeyValue<String, SagaState> entry = all.next();
                if (entry.value.getStatus() != status) {
                    continue;
                }
                bytes += entry.key.getBytes(StandardCharsets.UTF_8).length + serdes.states().serialize("changelog", entry.value).length;
                if (entry.value.getTimerMs() != null) {
                    bytes += Long.BYTES + entry.key.getBytes(StandardCharsets.UTF_8).length;
                }
                count++;
            }
        }
        return count == 0 ? 0 : bytes / count;
    }

    private static ReadOnlyKeyValueStore<String, SagaState> store(SagalineApp app) {
        return app.streams().store(StoreQueryParameters.fromNameAndType(SagaTopology.SAGA_STATE_STORE, QueryableStoreTypes.keyValueStore()));
    }
}
