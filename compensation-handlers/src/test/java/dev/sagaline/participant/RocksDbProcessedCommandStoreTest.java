package dev.sagaline.participant;

import dev.sagaline.participant.internals.IndexedProcessedCommandStore;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The store the Kafka runtime uses, over real RocksDB stores as a stream task has them. */
class RocksDbProcessedCommandStoreTest extends ProcessedCommandStoreContract {

    @TempDir
    File stateDir;

    private final List<StateStore> opened = new ArrayList<>();

    @Override
    protected ProcessedCommandStore newStore() {
        Properties config = new Properties();
        config.put("application.id", "inventory");
        config.put("bootstrap.servers", "unused:9092");
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(config, new TaskId(0, 0), stateDir);
        ProtocolSerdes serdes = new ProtocolSerdes(new InMemorySchemaRegistry());
        KeyValueStore<String, StepReply> entries = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ParticipantTopology.PROCESSED_STORE), Serdes.String(), serdes.replies())
                .withLoggingDisabled().build();
        KeyValueStore<String, String> index = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ParticipantTopology.PROCESSED_BY_TIME_STORE), Serdes.String(), Serdes.String())
                .withLoggingDisabled().build();
        entries.init(context.getStateStoreContext(), entries);
        index.init(context.getStateStoreContext(), index);
        opened.add(entries);
        opened.add(index);
        return IndexedProcessedCommandStore.over(entries, index);
    }

    @AfterEach
    void closeStores() {
        opened.forEach(StateStore::close);
    }
}
