package dev.sagaline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sagaline.app.testsupport.AuditLog;
import dev.sagaline.app.testsupport.GreetingSaga;
import dev.sagaline.app.testsupport.OrderRequests;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.localkafka.LocalKafkaExtension;
import dev.sagaline.participant.Participant;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.schemas.registry.SchemaRegistries;
import dev.sagaline.schemas.registry.SchemaRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sagaline run} against a real cluster given by {@code bootstrap.servers} in its config
 * file: it creates the topics the file and the definitions name, runs sagas until stopped (by a
 * test, or by SIGTERM through its shutdown hook), and says so with its exit code when its
 * orchestrator stops on its own. The tests share the broker
 * and use topics and application ids of their own.
 */
@Tag("integration")
@ExtendWith(LocalKafkaExtension.class)
@Timeout(120)
class RunCommandIT {

    private static final String REGISTRY_URL = "memory://run-command-it";

    @TempDir
    Path dir;

    private final ExecutorService background = Executors.newCachedThreadPool();
    private final SchemaRegistry registry = SchemaRegistries.fromUrl(REGISTRY_URL, Map.of());
    private Participant greeter;

    @AfterEach
    void stopEverything() {
        if (greeter != null) {
            greeter.close();
        }
        background.shutdownNow();
    }

    @Test
    void runsSagasOnTheConfiguredClusterUntilStopped(LocalKafkaBroker broker) throws Exception {
        Path config = writeConfig(broker, "run-it");
        Path definitions = GreetingSaga.writeDefinitions(dir.resolve("definitions"), "greeting", "run-it.greetings");
        CliRun cli = new CliRun();

        Future<Integer> exit = background.submit(() -> cli.execute("run", "-c", config.toString(), "-d", definitions.toString()));
        awaitTopics(broker, exit, cli, Set.of("run-it.requests", "run-it.replies", "run-it.events", "run-it.dead-letter", "run-it.greetings"));
        greeter = GreetingSaga.startGreeter(broker.bootstrapServers(), "run-it.greetings", registry, dir.resolve("greeter"));
        try (AuditLog audit = AuditLog.fromStart(broker.bootstrapServers(), "run-it.events", registry);
             OrderRequests requests = new OrderRequests(broker.bootstrapServers(), registry, "run-it.requests")) {
            requests.start("greeting", "greeting-1");
            requests.flush();
            audit.awaitEnded(List.of("greeting-1"), Duration.ofSeconds(60));

            assertThat(audit.terminalEvents("greeting-1")).extracting(SagaEvent::getKind).containsExactly(SagaEventKind.COMPLETED);
        }
        assertThat(exit).as("run keeps running until stopped").isNotDone();

        cli.runCommand().stop();

        assertThat(exit.get(60, TimeUnit.SECONDS)).as("exit code").isZero();
        assertThat(cli.errLines()).as("stderr").isEmpty();
        assertThat(cli.embeddedBrokerStarts()).as("embedded brokers started").isZero();
    }

    @Test
    void exitsWithOneWhenItsOrchestratorStopsOnItsOwn(LocalKafkaBroker broker) throws Exception {
        Path config = writeConfig(broker, "fail-it");
        Path greetings = GreetingSaga.writeDefinitions(dir.resolve("greetings"), "greeting", "fail-it.greetings");
        CliRun first = new CliRun();
        Future<Integer> firstExit = background.submit(() -> first.execute("run", "-c", config.toString(), "-d", greetings.toString()));
        awaitTopics(broker, firstExit, first, Set.of("fail-it.requests", "fail-it.events", "fail-it.greetings"));
        try (AuditLog audit = AuditLog.fromStart(broker.bootstrapServers(), "fail-it.events", registry);
             OrderRequests requests = new OrderRequests(broker.bootstrapServers(), registry, "fail-it.requests")) {
            requests.start("greeting", "greeting-left-open");
            requests.flush();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> audit.read().kinds("greeting-left-open").contains(SagaEventKind.STEP_COMMANDED));
        }
        first.runCommand().stop();
        assertThat(firstExit.get(60, TimeUnit.SECONDS)).as("first run's exit code").isZero();
        // A saga of type greeting is still running, and the next run no longer loads that type:
        // its orchestrator refuses to start the task holding the saga and shuts down.
        Path farewells = GreetingSaga.writeDefinitions(dir.resolve("farewells"), "farewell", "fail-it.farewells");
        CliRun second = new CliRun();

        int secondExit = background.submit(() -> second.execute("run", "-c", config.toString(), "-d", farewells.toString()))
                .get(90, TimeUnit.SECONDS);

        assertThat(secondExit).as("second run's exit code").isEqualTo(1);
        assertThat(second.errLines()).as("stderr").singleElement().asString()
                .startsWith("sagaline: the orchestrator stopped on its own").contains("ERROR");
    }

    @Test
    void closesTheOrchestratorCleanlyOnSigterm(LocalKafkaBroker broker) throws Exception {
        Path config = writeConfig(broker, "sigterm-it");
        Path definitions = GreetingSaga.writeDefinitions(dir.resolve("sigterm-definitions"), "greeting", "sigterm-it.greetings");
        Path output = dir.resolve("sigterm-run.log");
        Process run = startedRun(config, definitions, output);
        try {
            run.destroy();

            assertThat(run.waitFor(60, TimeUnit.SECONDS)).as("run exits on SIGTERM").isTrue();
            assertThat(Files.readString(output)).as("the run's log").contains("stopping the orchestrator", "orchestrator closed");
        } finally {
            run.destroyForcibly();
        }
    }

    @Test
    void saysHowManyRecordsOfEachStoreItRestoredAfterASigkill(LocalKafkaBroker broker) throws Exception {
        Path config = writeConfig(broker, "kill-it");
        Path definitions = GreetingSaga.writeDefinitions(dir.resolve("kill-definitions"), "greeting", "kill-it.greetings");
        int sagas = 100;
        Path secondOutput = dir.resolve("kill-run-2.log");
        Process first = startedRun(config, definitions, dir.resolve("kill-run-1.log"));
        Process second = null;
        try (AuditLog audit = AuditLog.fromStart(broker.bootstrapServers(), "kill-it.events", registry);
             OrderRequests requests = new OrderRequests(broker.bootstrapServers(), registry, "kill-it.requests")) {
            greeter = GreetingSaga.startGreeter(broker.bootstrapServers(), "kill-it.greetings", registry, dir.resolve("kill-greeter"));
            List<String> before = IntStream.range(0, sagas).mapToObj(i -> "before-kill-" + i).toList();
            before.forEach(id -> requests.start("greeting", id));
            requests.flush();
            audit.awaitEnded(before, Duration.ofSeconds(60));

            first.destroyForcibly().waitFor();
            second = startedRun(config, definitions, secondOutput);
            requests.start("greeting", "after-kill");
            requests.flush();
            audit.awaitEnded(List.of("after-kill"), Duration.ofSeconds(60));
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroyForcibly().waitFor();
            }
        }

        // Under exactly-once, Kafka Streams 4.4.0 wipes the stores of a killed instance and rebuilds
        // them from their changelogs (with enable.transactional.statestores too): a line per store
        // partition says how much that was, so an operator sees why the tasks waited.
        String log = Files.readString(secondOutput);
        Matcher restored = Pattern.compile("kill-it: restored (\\d+) records of store (\\S+) from kill-it-\\S+-changelog-\\d+ in \\d+ ms").matcher(log);
        Map<String, Long> restoredByStore = new TreeMap<>();
        while (restored.find()) {
            restoredByStore.merge(restored.group(2), Long.parseLong(restored.group(1)), Long::sum);
        }
        assertThat(restoredByStore).as("records restored per store by the restarted instance; its log:%n%s", log)
                .containsOnlyKeys("sagaline-saga-state", "sagaline-saga-index")
                .allSatisfy((store, records) -> assertThat(records).as(store).isGreaterThanOrEqualTo(sagas));
    }

    /** {@code sagaline run} in a JVM of its own, once it says it started. */
    private static Process startedRun(Path config, Path definitions, Path output) throws IOException {
        Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SagalineCli.class.getName(),
                "run", "-c", config.toString(), "-d", definitions.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).failFast("run exited", () -> !run.isAlive())
                    .until(() -> Files.readString(output).contains("Sagaline started"));
        } catch (RuntimeException | Error e) {
            run.destroyForcibly();
            throw e;
        }
        return run;
    }

    private static void awaitTopics(LocalKafkaBroker broker, Future<Integer> exit, CliRun cli, Set<String> topics) {
        try (Admin admin = Admin.create(broker.clientConfig())) {
            await().atMost(Duration.ofSeconds(60)).failFast(() -> assertStillRunning(exit, cli))
                    .until(() -> admin.listTopics().names().get().containsAll(topics));
        }
    }

    private static void assertStillRunning(Future<Integer> exit, CliRun cli) throws InterruptedException {
        if (exit.isDone()) {
            try {
                throw new AssertionError("run returned " + exit.get() + " early; stderr " + cli.errLines());
            } catch (ExecutionException e) {
                throw new AssertionError("run failed early; stderr " + cli.errLines(), e.getCause());
            }
        }
    }

    /** A config file for an orchestrator whose application id and topics start with {@code prefix}. */
    private Path writeConfig(LocalKafkaBroker broker, String prefix) throws IOException {
        return Files.writeString(dir.resolve(prefix + ".properties"), String.join("\n",
                "bootstrap.servers=" + broker.bootstrapServers(),
                "application.id=" + prefix,
                "state.dir=" + dir.resolve(prefix + "-state"),
                "# A stopped instance does not leave its group: let the next one's rebalance wait 6 s for it, not 45.",
                "session.timeout.ms=6000",
                "heartbeat.interval.ms=1500",
                "sagaline.schema.registry.url=" + REGISTRY_URL,
                "sagaline.topic.partitions=2",
                "sagaline.http.port=0",
                "sagaline.topic.requests=" + prefix + ".requests",
                "sagaline.topic.replies=" + prefix + ".replies",
                "sagaline.topic.events=" + prefix + ".events",
                "sagaline.topic.dead.letter=" + prefix + ".dead-letter",
                ""));
    }
}
