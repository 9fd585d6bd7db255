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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive {@code mvn package} builds, unpacked and started as an operator would: its layout,
 * its launcher, and {@code bin/sagaline run} with the sample config against the local broker,
 * configured from the environment. Runs in {@code integration-test}, after the archive exists:
 * that execution names it in the {@code sagaline.distribution} system property, and without it
 * (the {@code test} phase, even with {@code -Dtest=DistributionIT}) the class does not run.
 */
@Tag("integration")
@EnabledIfSystemProperty(named = "sagaline.distribution", matches = ".+")
@ExtendWith(LocalKafkaExtension.class)
@Timeout(180)
class DistributionIT {

    @TempDir
    static Path unpacked;

    private static Path home;

    @TempDir
    Path dir;

    @BeforeAll
    static void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("sagaline.distribution"));
        assertThat(archive).as("the archive mvn package builds").isRegularFile();
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacked.toString()).inheritIO().start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS) && tar.exitValue() == 0).as("tar -xzf exits 0").isTrue();
        try (Stream<Path> top = Files.list(unpacked)) {
            home = top.filter(path -> path.getFileName().toString().startsWith("sagaline-")).findFirst().orElseThrow();
        }
    }

    @Test
    void holdsTheLauncherTheLibrariesWithoutTheBrokerASampleConfigAndTheDefinitions() throws IOException {
        assertThat(home.resolve("bin/sagaline")).isExecutable();
        assertThat(home.resolve("config/sagaline.properties")).content().contains("bootstrap.servers=", "SAGALINE_KAFKA_");
        assertThat(home.resolve("definitions/order.yaml")).isRegularFile();
        assertThat(home.resolve("LICENSE")).content().contains("Apache License");
        List<String> jars;
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            jars = lib.map(path -> path.getFileName().toString()).sorted().toList();
        }
        assertThat(jars).anyMatch(jar -> jar.startsWith("sagaline-app-")).anyMatch(jar -> jar.startsWith("kafka-streams-"))
                .anyMatch(jar -> jar.startsWith("kafka-clients-")).anyMatch(jar -> jar.startsWith("logback-classic-1.5."))
                .noneMatch(jar -> jar.startsWith("kafka_2.13-") || jar.startsWith("kafka-server-") || jar.startsWith("scala-"));
    }

    @Test
    void printsItsVersion() throws Exception {
        Launch version = launch(Map.of(), "--version");

        assertThat(version.awaitExit()).isZero();
        assertThat(version.output()).containsPattern("^sagaline \\d+\\.\\d+\\.\\d+").contains("built with Kafka ");
    }

    @Test
    void refusesToRunWithoutAClusterAndHasNoBrokerForTheDemo() throws Exception {
        Launch run = launch(Map.of(), "run", "-d", home.resolve("definitions").toString());
        Launch demo = launch(Map.of(), "demo");

        assertThat(run.awaitExit()).isEqualTo(SagalineCli.EXIT_BAD_INPUT);
        assertThat(run.output().lines()).singleElement().asString().startsWith("sagaline: bootstrap.servers is not set");
        assertThat(demo.awaitExit()).isEqualTo(SagalineCli.EXIT_BAD_INPUT);
        assertThat(demo.output()).contains("sagaline: this distribution has no embedded Kafka broker");
    }

    @Test
    void runsSagasWithTheSampleConfigAndSettingsFromTheEnvironment(LocalKafkaBroker broker) throws Exception {
        SchemaRegistry registry = SchemaRegistries.fromUrl("memory://distribution-it", Map.of());
        Path definitions = GreetingSaga.writeDefinitions(dir.resolve("definitions"), "greeting", "dist-it.greetings");
        Launch run = launch(Map.of(
                        "SAGALINE_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                        "SAGALINE_KAFKA_APPLICATION_ID", "dist-it",
                        "SAGALINE_KAFKA_STATE_DIR", dir.resolve("state").toString(),
                        "SAGALINE_TOPIC_PARTITIONS", "2",
                        "SAGALINE_TOPIC_REQUESTS", "dist-it.requests",
                        "SAGALINE_TOPIC_REPLIES", "dist-it.replies",
                        "SAGALINE_TOPIC_EVENTS", "dist-it.events",
                        "SAGALINE_TOPIC_DEAD_LETTER", "dist-it.dead-letter"),
                "run", "-c", home.resolve("config/sagaline.properties").toString(), "-d", definitions.toString());
        try {
            // The orchestrator creates the step's topic; the participant starts once it exists.
            await().atMost(Duration.ofSeconds(90)).failFast("run exited: " + run.outputFile(), () -> !run.process().isAlive())
                    .until(() -> run.output().contains("Sagaline started"));
            try (Participant greeter = GreetingSaga.startGreeter(broker.bootstrapServers(), "dist-it.greetings", registry, dir.resolve("greeter"));
                 AuditLog audit = AuditLog.fromStart(broker.bootstrapServers(), "dist-it.events", registry);
                 OrderRequests requests = new OrderRequests(broker.bootstrapServers(), registry, "dist-it.requests")) {
                requests.start("greeting", "dist-greeting-1");
                requests.flush();
                audit.awaitEnded(List.of("dist-greeting-1"), Duration.ofSeconds(60));

                assertThat(audit.terminalEvents("dist-greeting-1")).extracting(SagaEvent::getKind).containsExactly(SagaEventKind.COMPLETED);
            }
            run.process().destroy();
            assertThat(run.process().waitFor(60, TimeUnit.SECONDS)).as("run exits on SIGTERM").isTrue();
            assertThat(run.output()).contains("orchestrator closed");
        } finally {
            run.process().destroyForcibly();
        }
    }

    /** {@code bin/sagaline} started with {@code args} and these variables added to the environment, output to a file. */
    private Launch launch(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/sagaline").toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(dir, "sagaline-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(environment);
        return new Launch(builder.start(), output);
    }

    /** A started launcher and the file its output goes to. */
    private record Launch(Process process, Path outputFile) {

        int awaitExit() throws InterruptedException {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bin/sagaline exits").isTrue();
            return process.exitValue();
        }

        String output() throws IOException {
            return Files.readString(outputFile);
        }
    }
}
