package dev.sagaline.runtime;

import dev.sagaline.definition.SagaDefinitions;
import dev.sagaline.errors.SagalineException;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.schemas.registry.SchemaRegistries;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running orchestrator: sets up its topics, then runs the saga topology on Kafka Streams until
 * closed. Several instances with the same {@code application.id} share the work by partitions,
 * like any Kafka Streams application.
 *
 * <pre>{@code
 * try (SagalineApp app = SagalineApp.start(SagalineConfig.of(props), definitions)) {
 *     app.awaitRunning(Duration.ofSeconds(60));
 *     ...
 * }
 * }</pre>
 */
public final class SagalineApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SagalineApp.class);

    private final KafkaStreams streams;
    private final CountDownLatch running = new CountDownLatch(1);

    private SagalineApp(SagalineConfig config, SagaDefinitions definitions) {
        ProtocolSerdes serdes = new ProtocolSerdes(SchemaRegistries.fromUrl(config.schemaRegistryUrl(), Map.of()));
        this.streams = new KafkaStreams(SagaTopology.build(definitions, config, serdes), SagaTopology.streamsProperties(config));
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            log.error("orchestrator stream thread failed; shutting this instance down", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /** Creates missing topics and starts the orchestrator; returns without waiting for it to run. */
    public static SagalineApp start(SagalineConfig config, SagaDefinitions definitions) {
        TopicSetup.ensure(config, definitions);
        SagalineApp app = new SagalineApp(config, definitions);
        app.streams.start();
        log.info("Sagaline started: application.id={} bootstrap.servers={} sagas [{}] topics {}",
                config.streamsProperties().get("application.id"), config.streamsProperties().get("bootstrap.servers"),
                definitions, config.topics());
        return app;
    }

    /**
     * Waits until the orchestrator has restored its state and processes records.
     *
     * @throws SagalineException when it does not within {@code timeout}
     */
    public SagalineApp awaitRunning(Duration timeout) {
        try {
            if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new SagalineException("orchestrator not running after " + timeout + "; state " + streams.state());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SagalineException("interrupted while waiting for the orchestrator", e);
        }
        return this;
    }

    /** The saga's state as this instance's stores hold it, or null when another instance owns it or it is unknown. */
    public SagaState saga(String sagaId) {
        ReadOnlyKeyValueStore<String, SagaState> store = streams.store(StoreQueryParameters.fromNameAndType(
                SagaTopology.SAGA_STATE_STORE, QueryableStoreTypes.keyValueStore()));
        return store.get(sagaId);
    }

    /** The underlying Kafka Streams instance, for metrics and state. */
    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
