package dev.sagaline.orchestrator.runtime;

import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.errors.SagalineException;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.schemas.failures.ThreadFailures;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import dev.sagaline.topics.AbandonedTransactionFence;
import dev.sagaline.topics.StoreRestoreLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
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
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final boolean staticMember;
    private final KafkaStreamsMetrics streamsMetrics;
    private final Optional<AbandonedTransactionFence> fence;

    private SagalineApp(SagalineConfig config, SagaDefinitions definitions, MeterRegistry meters) {
        ProtocolSerdes serdes = new ProtocolSerdes(config.schemaRegistry());
        Properties streamsProperties = SagaTopology.streamsProperties(config, meters);
        this.streams = new KafkaStreams(SagaTopology.build(definitions, config, serdes, meters), streamsProperties);
        this.fence = config.abandonedTransactionFence(streamsProperties,
                () -> streams.metadataForLocalThreads().stream().map(t -> t.consumerClientId()).toList());
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meters);
        this.staticMember = config.streamsProperties().containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        streams.setStateListener((now, before) -> {
            fence.ifPresent(f -> f.onStreamsState(now.name()));
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            } else if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(SagalineApp::onThreadFailure);
        streams.setGlobalStateRestoreListener(new StoreRestoreLog(String.valueOf(streamsProperties.get(StreamsConfig.APPLICATION_ID_CONFIG))));
    }

    /**
     * A stream thread that failed for a reason {@link ThreadFailures} calls transient is replaced (the
     * new one reads again from the last commit); any other failure shuts this instance down.
     */
    static StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onThreadFailure(Throwable e) {
        return ThreadFailures.transientCause(e).map(row -> {
            log.warn("orchestrator stream thread stopped: {}; replacing it", row.why(), e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        }).orElseGet(() -> {
            log.error("orchestrator stream thread failed; shutting this instance down", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /** Creates missing topics and starts the orchestrator; returns without waiting for it to run. */
    public static SagalineApp start(SagalineConfig config, SagaDefinitions definitions) {
        return start(config, definitions, new SimpleMeterRegistry());
    }

    /**
     * Creates missing topics and starts the orchestrator with its meters (sagas, steps, timer lag,
     * and Kafka Streams' own metrics) in {@code meters}; returns without waiting for it to run.
     */
    public static SagalineApp start(SagalineConfig config, SagaDefinitions definitions, MeterRegistry meters) {
        OrchestratorTopics.ensure(config, definitions);
        SagalineApp app = new SagalineApp(config, definitions, meters);
        try {
            app.streams.start();
        } catch (ProcessorStateException e) {
            // Kafka Streams opens every store it finds on disk before it starts a thread, and a
            // SIGKILL during a wipe or a store's creation can leave one RocksDB cannot open; it
            // would fail every start the same way. Everything local is a copy of the changelogs.
            log.warn("local state of {} in {} cannot be opened ({}); deleting it: the stores are restored from their changelogs",
                    config.streamsProperties().get("application.id"), config.streamsProperties().get("state.dir"), e.getMessage());
            app.close();
            app = new SagalineApp(config, definitions, meters);
            app.streams.cleanUp();
            app.streams.start();
        }
        log.info("Sagaline started: application.id={} bootstrap.servers={} sagas [{}] topics {}",
                config.streamsProperties().get("application.id"), config.streamsProperties().get("bootstrap.servers"),
                definitions, config.topics());
        return app;
    }

    /**
     * Waits until the orchestrator has restored its state and processes records.
     *
     * @throws SagalineException when it does not within {@code timeout}, or stops first
     */
    public SagalineApp awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!running.await(50, TimeUnit.MILLISECONDS)) {
                if (stopped.getCount() == 0) {
                    throw new SagalineException("orchestrator stopped before it ran; state " + streams.state());
                }
                if (System.nanoTime() > deadline) {
                    throw new SagalineException("orchestrator not running after " + timeout + "; state " + streams.state());
                }
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

    /** Interactive queries over this instance's stores, and where the other instances are. */
    public SagaQueries queries() {
        return new SagaQueries(streams);
    }

    /** The underlying Kafka Streams instance, for metrics and state. */
    public KafkaStreams streams() {
        return streams;
    }

    /**
     * Stops processing after committing what is in hand. A dynamic member leaves the consumer
     * group, so its partitions move to the other instances at once instead of after the session
     * timeout; a static member ({@code group.instance.id}) stays, so that it takes them back at
     * once when it restarts.
     */
    @Override
    public void close() {
        fence.ifPresent(AbandonedTransactionFence::close);
        streamsMetrics.close();
        streams.close(CloseOptions.timeout(Duration.ofSeconds(30)).withGroupMembershipOperation(
                staticMember ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP : CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }
}
