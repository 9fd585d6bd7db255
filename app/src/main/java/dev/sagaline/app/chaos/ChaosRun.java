package dev.sagaline.app.chaos;

import dev.sagaline.app.demo.DemoPlan;
import dev.sagaline.app.demo.LossyLink;
import dev.sagaline.app.demo.OrderDemo;
import dev.sagaline.app.demo.ProgressBar;
import dev.sagaline.demo.Order;
import dev.sagaline.localkafka.CommittedRecords;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.runtime.OrchestratorTopics;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.participant.ParticipantTopology;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.schemas.registry.SchemaRegistries;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * A chaos run: the order saga's orchestrator instances and the demo's services, each in a JVM of
 * its own, on the embedded broker; sagas at a steady rate; every so often a random one of those
 * processes killed with SIGKILL and started again, and the broker killed and restarted on its data
 * the given number of times; then, once the load has stopped and the sagas have ended, the
 * invariants checked by {@link ChaosCheck} from what is committed in Kafka.
 */
public final class ChaosRun {

    static final String APPLICATION_ID = "sagaline-chaos";
    private static final String PAYMENT_TOPIC = "payment.commands";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    /** How long the broker stays down when it is killed. */
    private static final Duration BROKER_DOWN = Duration.ofSeconds(2);
    /** The run is quiet once nothing was committed on the watched topics for this long. */
    private static final Duration QUIET = Duration.ofSeconds(3);
    /** The consumer session timeout of every process; see {@link #brokerSettings}. */
    static final int SESSION_TIMEOUT_MS = 3_000;

    private final ChaosSettings settings;
    private final LocalKafkaBroker broker;
    private final Path workDir;
    private final PrintStream out;
    private final boolean inPlaceProgress;
    private final String runPrefix;
    private final DemoPlan plan = new DemoPlan(1, ChaosSettings.DECLINE_SHARE, ChaosSettings.LOSS_SHARE);
    private final List<ChaosProcess> orchestrators = new ArrayList<>();
    private final List<ChaosProcess> participants = new ArrayList<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refused = new AtomicInteger();
    private final List<ProgressWatch.Outage> outages = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private int unplannedExits;
    private volatile long runStartMs;

    /**
     * @param broker the running embedded broker; the run kills and restarts it
     * @param workDir where the processes keep their state and output
     */
    public ChaosRun(ChaosSettings settings, LocalKafkaBroker broker, Path workDir, PrintStream out, boolean inPlaceProgress) {
        this.settings = settings;
        this.broker = broker;
        this.workDir = workDir;
        this.out = out;
        this.inPlaceProgress = inPlaceProgress;
        this.runPrefix = String.format("chaos%08x-", settings.seed() & 0xffffffffL);
    }

    /**
     * What the broker of a chaos run needs beyond the defaults: consumer sessions as short as
     * {@link #SESSION_TIMEOUT_MS}, and the controller in a process of its own, so that a broker
     * killed at any moment, right after a commit included, finishes its transactions after the
     * restart (see {@link LocalKafkaBroker.Builder#separateController}).
     */
    public static LocalKafkaBroker.Builder brokerSettings(LocalKafkaBroker.Builder builder) {
        return builder.separateController(true).serverProperty("group.min.session.timeout.ms", "1000");
    }

    /** Runs the chaos and returns what the checks found. */
    public ChaosReport run() {
        SagalineConfig config = SagalineConfig.of(orchestratorSettings(0));
        SagaDefinitions definitions = OrderDemo.definitions();
        OrchestratorTopics.ensure(config, definitions);
        List<String> extraTopics = new ArrayList<>(List.of(ChaosNode.PAYMENT_INBOX));
        for (ChaosNode.Service service : ChaosNode.Service.values()) {
            extraTopics.add(applicationId(service) + ".dlq");
        }
        OrchestratorTopics.ensureTopics(config, extraTopics);
        String classpath = System.getProperty("java.class.path");
        for (int i = 0; i < settings.instances(); i++) {
            orchestrators.add(new ChaosProcess("orchestrator-" + (i + 1), dir("logs"), orchestratorSettings(i), classpath));
        }
        for (ChaosNode.Service service : ChaosNode.Service.values()) {
            for (int i = 0; i < settings.participantsPerService(); i++) {
                participants.add(new ChaosProcess(service + "-" + (i + 1), dir("logs"), participantSettings(service, i), classpath));
            }
        }
        List<ChaosProcess> all = new ArrayList<>(orchestrators);
        all.addAll(participants);
        Map<String, Object> linkProps = new HashMap<>(broker.clientConfig());
        linkProps.put(StreamsConfig.STATE_DIR_CONFIG, dir("state/lossy-link").toString());
        LossyLink link = new LossyLink(plan, PAYMENT_TOPIC, ChaosNode.PAYMENT_INBOX, linkProps, "sagaline-demo-lossy-link");
        try {
            out.printf("Starting %d orchestrator instances and %d instances of each service in JVMs of their own (standbys %d)%n",
                    settings.instances(), settings.participantsPerService(), settings.standbys());
            all.forEach(ChaosProcess::launch);
            link.start();
            all.forEach(p -> p.awaitRunning(START_TIMEOUT));
            ProtocolSerdes serdes = new ProtocolSerdes(SchemaRegistries.fromUrl(OrderDemo.SCHEMA_REGISTRY_URL, Map.of()));
            try (ProgressWatch watch = new ProgressWatch(broker.clientConfig(), config.topics().events(), serdes.events()).start()) {
                long startedAt = System.currentTimeMillis();
                runStartMs = startedAt;
                Thread chaos = new Thread(() -> unleash(watch, all, startedAt), "chaos-kills");
                chaos.setDaemon(true);
                chaos.start();
                drive(serdes, config.topics().requests(), watch, startedAt);
                awaitQuiet(watch, startedAt);
                chaos.join(START_TIMEOUT.toMillis());
                if (chaos.isAlive()) {
                    failures.add("a process killed near the end was still not running after " + START_TIMEOUT);
                }
                for (ChaosProcess process : all) {
                    if (!process.isAlive()) {
                        unplannedExits++;
                        out.printf("%s had stopped on its own by the end. Its last lines:%n%s%n", process.name(), process.tail());
                    }
                }
                long elapsedMs = System.currentTimeMillis() - startedAt;
                ChaosCheck check = new ChaosCheck(serdes).auditTopic(config.topics().events(), read(config.topics().events()));
                for (ChaosNode.Service service : ChaosNode.Service.values()) {
                    String commands = service == ChaosNode.Service.payment ? PAYMENT_TOPIC : service.commandTopic;
                    check.commandTopic(commands, read(commands));
                    check.appliedRecord(service.name(), changelog(service), read(changelog(service)));
                }
                ChaosCheck.Verdict verdict = check.verdict(runPrefix, acknowledged);
                synchronized (outages) {
                    return new ChaosReport(settings, verdict, acknowledged.size(), refused.get(), List.copyOf(outages),
                            unplannedExits, List.copyOf(failures), Duration.ofMillis(elapsedMs));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            all.forEach(ChaosProcess::close);
            link.close();
        }
    }

    private void drive(ProtocolSerdes serdes, String requestsTopic, ProgressWatch watch, long startedAt) throws InterruptedException {
        long total = (long) Math.ceil(settings.rate() * settings.duration().toMillis() / 1000.0);
        ProgressBar bar = new ProgressBar(out, total, inPlaceProgress);
        Payloads payloads = Payloads.withRegistry(serdes.registry());
        long startNanos = System.nanoTime();
        long lastDrawn = 0;
        try (KafkaProducer<String, SagaRequest> producer = producer(serdes)) {
            for (int i = 0; i < total; i++) {
                long due = startNanos + (long) (i * 1_000_000_000L / settings.rate());
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                String orderId = runPrefix + DemoPlan.orderId(i);
                Order order = new Order(orderId, "sku-" + (i % 97), 1 + i % 5, 1_000L + i);
                SagaRequest request = SagaRequest.newBuilder().setSagaId(orderId).setRequestId("chaos-" + orderId)
                        .setBody(StartSaga.newBuilder().setSagaType("order").setInput(payloads.encode(order)).build()).build();
                producer.send(new ProducerRecord<>(requestsTopic, orderId, request), (metadata, error) -> {
                    if (error == null) {
                        acknowledged.add(orderId);
                    } else {
                        refused.incrementAndGet();
                    }
                });
                if (System.currentTimeMillis() - lastDrawn > 1_000) {
                    lastDrawn = System.currentTimeMillis();
                    bar.show(watch.endedCount(), i + 1, Duration.ofMillis(lastDrawn - startedAt));
                }
            }
            producer.flush();
        }
        bar.show(watch.endedCount(), total, Duration.ofMillis(System.currentTimeMillis() - startedAt));
        bar.finish();
        out.printf("Load stopped after %d start requests (%d acknowledged); waiting for the sagas to end%n", total, acknowledged.size());
    }

    private KafkaProducer<String, SagaRequest> producer(ProtocolSerdes serdes) {
        Map<String, Object> props = new HashMap<>(broker.clientConfig());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), serdes.requests().serializer());
    }

    private void awaitQuiet(ProgressWatch watch, long startedAt) throws InterruptedException {
        long deadline = System.currentTimeMillis() + settings.patience().toMillis();
        while (System.currentTimeMillis() < deadline
                && !(watch.allEnded(acknowledged) && System.currentTimeMillis() - watch.lastArrivalMs() > QUIET.toMillis())) {
            Thread.sleep(200);
        }
        out.printf("%d sagas ended, %.0f s after the load began%n", watch.endedCount(), (System.currentTimeMillis() - startedAt) / 1000.0);
    }

    /**
     * The kills, on a schedule the seed fixes: every {@code killEvery} (give or take a fifth) a
     * random process, and the broker restarts spread evenly over the load.
     */
    private void unleash(ProgressWatch watch, List<ChaosProcess> all, long startedAt) {
        Random random = new Random(settings.seed());
        List<long[]> schedule = new ArrayList<>();
        long durationMs = settings.duration().toMillis();
        long every = settings.killEvery().toMillis();
        for (long at = every; every > 0 && at < durationMs; at += every) {
            schedule.add(new long[] {at + (long) ((random.nextDouble() - 0.5) * 0.4 * every), random.nextInt(all.size())});
        }
        for (int r = 0; r < settings.brokerRestarts(); r++) {
            long slot = durationMs / settings.brokerRestarts();
            schedule.add(new long[] {r * slot + slot / 2 + (long) ((random.nextDouble() - 0.5) * 0.2 * slot), -1});
        }
        schedule.sort((a, b) -> Long.compare(a[0], b[0]));
        try {
            for (long[] kill : schedule) {
                long wait = startedAt + kill[0] - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                restartUnplannedExits(all);
                if (kill[1] < 0) {
                    restartBroker(watch);
                } else {
                    killAndRestart(watch, all.get((int) kill[1]));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            synchronized (failures) {
                failures.add("chaos stopped: " + e.getMessage());
            }
        }
    }

    private void killAndRestart(ProgressWatch watch, ChaosProcess victim) {
        boolean orchestrator = orchestrators.contains(victim);
        Map<String, List<String>> inputs = orchestrator ? orchestratorInputs()
                : serviceInputs(ChaosNode.Service.valueOf(victim.name().substring(0, victim.name().indexOf('-'))));
        ProgressWatch.Outage outage = watch.before(victim.name(), orchestrator ? "orchestrator" : "participant", inputs);
        victim.kill();
        watch.killed(outage);
        record(outage);
        victim.launch();
        victim.awaitRunning(START_TIMEOUT);
        outage.restartedAfterMs = System.currentTimeMillis() - outage.atMs;
        out.printf("%n%s killed at %.1f s; running again %.1f s later%n", victim.name(), (outage.atMs - runStartMs) / 1000.0,
                outage.restartedAfterMs / 1000.0);
    }

    private void restartBroker(ProgressWatch watch) throws InterruptedException {
        Map<String, List<String>> inputs = new HashMap<>(orchestratorInputs());
        for (ChaosNode.Service service : ChaosNode.Service.values()) {
            inputs.putAll(serviceInputs(service));
        }
        ProgressWatch.Outage outage = watch.before("broker", "broker", inputs);
        broker.killHard();
        watch.killed(outage);
        record(outage);
        Thread.sleep(BROKER_DOWN.toMillis());
        broker.restart();
        outage.restartedAfterMs = System.currentTimeMillis() - outage.atMs;
        out.printf("%nbroker killed at %.1f s; running again %.1f s later%n", (outage.atMs - runStartMs) / 1000.0,
                outage.restartedAfterMs / 1000.0);
    }

    private Map<String, List<String>> orchestratorInputs() {
        SagalineConfig config = SagalineConfig.of(orchestratorSettings(0));
        return Map.of(APPLICATION_ID, List.of(config.topics().requests(), config.topics().replies()));
    }

    private static Map<String, List<String>> serviceInputs(ChaosNode.Service service) {
        return Map.of(applicationId(service), List.of(service.commandTopic));
    }

    private void restartUnplannedExits(List<ChaosProcess> all) {
        for (ChaosProcess process : all) {
            if (!process.isAlive()) {
                unplannedExits++;
                out.printf("%s stopped on its own; starting it again. Its last lines:%n%s%n", process.name(), process.tail());
                process.launch();
            }
        }
    }

    private void record(ProgressWatch.Outage outage) {
        synchronized (outages) {
            outages.add(outage);
        }
    }

    private List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> read(String topic) {
        return CommittedRecords.of(broker, topic);
    }

    private Map<String, Object> orchestratorSettings(int instance) {
        Map<String, Object> s = common("orchestrator", instance);
        s.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        s.put(SagalineConfig.TOPIC_PARTITIONS_CONFIG, settings.partitions());
        s.put(SagalineConfig.SCHEMA_REGISTRY_URL_CONFIG, OrderDemo.SCHEMA_REGISTRY_URL);
        return s;
    }

    private Map<String, Object> participantSettings(ChaosNode.Service service, int instance) {
        Map<String, Object> s = common(service.name(), instance);
        s.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(service));
        return s;
    }

    /**
     * Static membership: a restarted process rejoins under its old name and gets its tasks back
     * without a rebalance, instead of leaving them stalled until its old session times out.
     */
    private Map<String, Object> common(String role, int instance) {
        Map<String, Object> s = new HashMap<>();
        s.put(ChaosNode.ROLE, role);
        s.put(ChaosNode.DECLINE_SHARE, ChaosSettings.DECLINE_SHARE);
        s.put(ChaosNode.LOSS_SHARE, ChaosSettings.LOSS_SHARE);
        s.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        s.put(StreamsConfig.STATE_DIR_CONFIG, dir("state/" + role + "-" + (instance + 1)).toString());
        s.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, settings.standbys());
        s.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, APPLICATION_ID + "-" + role + "-" + (instance + 1));
        // A killed member is noticed after this long, and its active tasks move to an instance
        // that keeps a standby of them; the broker's group.min.session.timeout.ms must allow it.
        s.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        s.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, SESSION_TIMEOUT_MS / 4);
        return s;
    }

    private static String applicationId(ChaosNode.Service service) {
        return APPLICATION_ID + "-" + service;
    }

    private static String changelog(ChaosNode.Service service) {
        return applicationId(service) + "-" + ParticipantTopology.PROCESSED_STORE + "-changelog";
    }

    private Path dir(String name) {
        try {
            return Files.createDirectories(workDir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
