package dev.sagaline.app.bench;

import dev.sagaline.demo.Order;
import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.participant.Participant;
import dev.sagaline.participant.StepResult;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The applications a benchmarked saga runs on: the orchestrator running a three-step saga
 * (reserve, charge, ship, each compensatable) and one participant service owning the three steps
 * with trivial handlers, both exactly-once, both with the run's profile. Also started, with the
 * same arguments, by {@link OrchestratorJvm} in a JVM of its own.
 */
final class SagaApps {

    private final BenchCluster cluster;
    private final String registryScope;

    SagaApps(BenchCluster cluster, String registryScope) {
        this.cluster = cluster;
        this.registryScope = registryScope;
    }

    /**
     * Starts an orchestrator instance; {@code instance} numbers its static membership, so a
     * restarted instance takes its partitions back at once instead of waiting for the group to
     * expire the member that stopped without leaving.
     */
    SagalineApp orchestrator(BenchTopics topics, String applicationId, int instance, int threads) {
        return orchestrator(topics, applicationId, instance, threads, Duration.ofMinutes(10));
    }

    /** As above, a command's reply awaited for {@code stepTimeout}: long where sagas wait in flight on purpose. */
    SagalineApp orchestrator(BenchTopics topics, String applicationId, int instance, int threads, Duration stepTimeout) {
        Map<String, Object> settings = cluster.streamsSettings(applicationId);
        settings.put(SagalineConfig.REQUESTS_TOPIC_CONFIG, topics.requests());
        settings.put(SagalineConfig.REPLIES_TOPIC_CONFIG, topics.replies());
        settings.put(SagalineConfig.EVENTS_TOPIC_CONFIG, topics.events());
        settings.put(SagalineConfig.DEAD_LETTER_TOPIC_CONFIG, applicationId + ".dead-letter");
        settings.put(SagalineConfig.TOPIC_PARTITIONS_CONFIG, cluster.partitions());
        settings.put(SagalineConfig.SCHEMA_REGISTRY_URL_CONFIG, "memory://" + registryScope);
        settings.put(SagalineConfig.STEP_TIMEOUT_MS_CONFIG, stepTimeout.toMillis());
        settings.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        settings.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, applicationId + "-" + instance);
        settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir(applicationId, instance).toString());
        return SagalineApp.start(SagalineConfig.of(settings), SagaDefinitions.of(definition(topics)));
    }

    /** The state directory of {@code instance} of the orchestrator {@code applicationId}: each instance of a group needs its own. */
    Path stateDir(String applicationId, int instance) {
        return cluster.stateDir().resolve(applicationId + "-" + instance);
    }

    /** Starts the participant service that owns the three steps. */
    Participant participant(BenchTopics topics, String applicationId, int threads) {
        String id = applicationId + "-steps";
        Map<String, Object> props = cluster.streamsSettings(id);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        Participant.Builder builder = Participant.builder()
                .applicationId(id)
                .bootstrapServers(cluster.bootstrapServers())
                .commandTopic(topics.commands())
                .schemaRegistry(InMemorySchemaRegistry.scoped(registryScope))
                .properties(props);
        for (String step : BenchTopics.STEPS) {
            builder.onDo(step, Order.class, (order, context) -> StepResult.succeeded())
                    .onCompensate(step, Order.class, (order, context) -> StepResult.succeeded());
        }
        Participant participant = builder.build();
        participant.start();
        return participant;
    }

    static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a benchmark app is not running after 2 minutes: " + streams.state());
            }
            Thread.sleep(5);
        }
    }

    /** The start request of saga {@code id}: one small order as its input, encoded with {@code payloads}. */
    static SagaRequest startRequest(Payloads payloads, String id) {
        Order order = new Order(id, "sku-" + (id.hashCode() & 1023), 1, 1999L);
        return SagaRequest.newBuilder().setSagaId(id)
                .setBody(StartSaga.newBuilder().setSagaType("order").setInput(payloads.encode(order)).build()).build();
    }

    private static SagaDefinition definition(BenchTopics topics) {
        SagaDefinition.Builder saga = SagaDefinition.named("order");
        for (String step : BenchTopics.STEPS) {
            saga.step(step).on(topics.commands()).compensatable();
        }
        return saga.build();
    }
}
