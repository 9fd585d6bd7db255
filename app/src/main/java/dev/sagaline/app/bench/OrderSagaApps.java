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
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The benchmark's three-step {@code order} saga (reserve, charge, ship, each compensatable) as
 * running applications on a {@link BenchCluster}: its orchestrator, trivial participants that
 * succeed at once, and its start requests, all sharing one in-memory schema registry.
 */
final class OrderSagaApps {

    private final BenchCluster cluster;
    private final String registryScope;
    private final InMemorySchemaRegistry registry;
    private final ProtocolSerdes serdes;
    private final Payloads payloads;

    OrderSagaApps(BenchCluster cluster, String registryScope) {
        this.cluster = cluster;
        this.registryScope = registryScope;
        this.registry = InMemorySchemaRegistry.scoped(registryScope);
        this.serdes = new ProtocolSerdes(registry);
        this.payloads = Payloads.withRegistry(registry);
    }

    ProtocolSerdes serdes() {
        return serdes;
    }

    /**
     * Starts an orchestrator of the saga on {@code topics}, with static membership so that a
     * restarted instance takes its partitions back at once instead of waiting for the group to
     * expire the member that stopped without leaving.
     */
    SagalineApp orchestrator(BenchTopics topics, String applicationId, Duration stepTimeout) {
        Map<String, Object> settings = cluster.streamsSettings(applicationId);
        settings.put(SagalineConfig.REQUESTS_TOPIC_CONFIG, topics.requests());
        settings.put(SagalineConfig.REPLIES_TOPIC_CONFIG, topics.replies());
        settings.put(SagalineConfig.EVENTS_TOPIC_CONFIG, topics.events());
        settings.put(SagalineConfig.DEAD_LETTER_TOPIC_CONFIG, applicationId + ".dead-letter");
        settings.put(SagalineConfig.TOPIC_PARTITIONS_CONFIG, cluster.partitions());
        settings.put(SagalineConfig.SCHEMA_REGISTRY_URL_CONFIG, "memory://" + registryScope);
        settings.put(SagalineConfig.STEP_TIMEOUT_MS_CONFIG, stepTimeout.toMillis());
        settings.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, applicationId + "-1");
        return SagalineApp.start(SagalineConfig.of(settings), SagaDefinitions.of(definition(topics)));
    }

    /** Starts one participant per step, each answering every command with success, and waits until they run. */
    List<Participant> participants(BenchTopics topics, String applicationId) throws InterruptedException {
        List<Participant> participants = new ArrayList<>();
        for (int i = 0; i < BenchTopics.STEPS.size(); i++) {
            String step = BenchTopics.STEPS.get(i);
            Participant participant = Participant.builder()
                    .applicationId(applicationId + "-" + step)
                    .bootstrapServers(cluster.bootstrapServers())
                    .commandTopic(topics.commands().get(i))
                    .schemaRegistry(registry)
                    .properties(cluster.streamsSettings(applicationId + "-" + step))
                    .onDo(step, Order.class, (order, context) -> StepResult.succeeded())
                    .onCompensate(step, Order.class, (order, context) -> StepResult.succeeded())
                    .build();
            participant.start();
            participants.add(participant);
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (Participant participant : participants) {
            while (participant.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        return participants;
    }

    /** The start request of saga {@code id}: one small order as its input. */
    SagaRequest startRequest(String id) {
        Order order = new Order(id, "sku-" + (id.hashCode() & 1023), 1, 1999L);
        return SagaRequest.newBuilder().setSagaId(id)
                .setBody(StartSaga.newBuilder().setSagaType("order").setInput(payloads.encode(order)).build()).build();
    }

    private static SagaDefinition definition(BenchTopics topics) {
        SagaDefinition.Builder saga = SagaDefinition.named("order");
        for (int i = 0; i < BenchTopics.STEPS.size(); i++) {
            saga.step(BenchTopics.STEPS.get(i)).on(topics.commands().get(i)).compensatable();
        }
        return saga.build();
    }
}
