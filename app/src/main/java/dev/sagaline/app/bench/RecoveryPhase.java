package dev.sagaline.app.bench;

import dev.sagaline.app.internals.FileTrees;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.participant.Participant;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * State and recovery: sagas started with no participant running, so each waits on its first
 * step; the bytes each takes in the stores; then the orchestrator stopped, its local state deleted
 * (as after losing its disk: everything is restored from the changelog), the participant started,
 * and the orchestrator started again: the time until it runs, until the first saga makes progress,
 * and how many sagas its store holds.
 */
final class RecoveryPhase {

    /** What the phase measured. */
    record Result(long inFlightBytes, double restoreSeconds, double progressSeconds, long present) {
    }

    private final BenchCluster cluster;
    private final ProtocolSerdes serdes;
    private final String registryScope;
    private final Function<String, byte[]> request;
    private final PrintStream out;

    RecoveryPhase(BenchCluster cluster, ProtocolSerdes serdes, String registryScope, Function<String, byte[]> request, PrintStream out) {
        this.cluster = cluster;
        this.serdes = serdes;
        this.registryScope = registryScope;
        this.request = request;
        this.out = out;
    }

    Result run(String name, int inFlight) throws Exception {
        BenchTopics topics = BenchTopics.of(name);
        SagaApps apps = new SagaApps(cluster, registryScope);
        cluster.createTopics(topics.all());
        Participant participant = null;
        SagalineApp second = null;
        try (KafkaConsumer<String, SagaEvent> events = cluster.tail(topics.events(), serdes.events().deserializer())) {
            SagalineApp first = apps.orchestrator(topics, name, 1, 1);
            first.awaitRunning(Duration.ofMinutes(2));
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(java.util.Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    cluster.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < inFlight; i++) {
                    String id = "r-" + i;
                    producer.send(new ProducerRecord<>(topics.requests(), id, request.apply(id)));
                }
            }
            Set<String> started = new HashSet<>();
            long deadline = System.nanoTime() + SagaLoad.PATIENCE.toNanos();
            while (started.size() < inFlight && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, SagaEvent> r : events.poll(Duration.ofMillis(100))) {
                    if (r.value().getKind() == SagaEventKind.STARTED) {
                        started.add(r.key());
                    }
                }
            }
            if (started.size() < inFlight) {
                throw new IllegalStateException("state phase: only " + started.size() + " of " + inFlight + " sagas started");
            }
            long inFlightBytes = StoreFigures.bytesPerSaga(first, serdes, SagaStatus.RUNNING);
            out.printf("  %d bytes of store per in-flight saga%n", inFlightBytes);
            out.println("  recovery: the orchestrator is stopped, its local state deleted (as after losing its disk), and started again");
            first.streams().close(Duration.ZERO);
            first.close();
            FileTrees.delete(cluster.stateDir().resolve(name + "-1"));
            participant = apps.participant(topics, name, 1);
            participant.awaitRunning(Duration.ofMinutes(2));
            long restart = System.nanoTime();
            second = apps.orchestrator(topics, name, 1, 1);
            second.awaitRunning(Duration.ofMinutes(5));
            double restoreSeconds = (System.nanoTime() - restart) / 1e9;
            double progressSeconds = -1;
            deadline = System.nanoTime() + SagaLoad.PATIENCE.toNanos();
            while (progressSeconds < 0 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, SagaEvent> r : events.poll(Duration.ofMillis(20))) {
                    if (r.value().getKind() == SagaEventKind.STEP_SUCCEEDED && progressSeconds < 0) {
                        progressSeconds = (System.nanoTime() - restart) / 1e9;
                    }
                }
            }
            long present = StoreFigures.sagas(second);
            out.printf("  running again after %.1f s, sagas progressing after %.1f s, %d of %d sagas in the store%n",
                    restoreSeconds, progressSeconds, present, inFlight);
            return new Result(inFlightBytes, restoreSeconds, progressSeconds < 0 ? Double.MAX_VALUE : progressSeconds, present);
        } finally {
            if (second != null) {
                second.close();
            }
            if (participant != null) {
                participant.close();
            }
        }
    }
}
