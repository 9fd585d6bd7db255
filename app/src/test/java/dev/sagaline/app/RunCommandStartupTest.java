package dev.sagaline.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sagaline run} before it has a cluster: it never starts a broker unless asked, it gives up
 * on an unreachable address within {@code sagaline.connect.timeout.ms} naming it, a Kafka client
 * that cannot start is one line (the trace only with {@code --verbose}), and settings come from
 * {@code SAGALINE_*} variables and {@code config.providers} too. No broker runs here: the
 * addresses are ports nothing listens on.
 */
@Timeout(60)
class RunCommandStartupTest {

    @TempDir
    Path dir;

    private Path definitions;
    private String nobodyHome;

    @BeforeEach
    void writeDefinitionsAndFindAClosedPort() throws IOException {
        definitions = Files.createDirectories(dir.resolve("definitions"));
        Files.writeString(definitions.resolve("greeting.yaml"), """
                saga: greeting
                steps:
                  - name: greet
                    topic: greetings.commands
                    kind: compensatable
                """);
        try (ServerSocket socket = new ServerSocket(0)) {
            nobodyHome = "127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void refusesToRunWithoutBootstrapServersInsteadOfStartingABroker() {
        CliRun cli = new CliRun();

        int exit = cli.execute("run", "-d", definitions.toString());

        assertThat(exit).isEqualTo(SagalineCli.EXIT_BAD_INPUT);
        assertThat(cli.errLines()).singleElement().asString().startsWith("sagaline: bootstrap.servers is not set")
                .contains("SAGALINE_KAFKA_BOOTSTRAP_SERVERS", "--embedded-broker");
        assertThat(cli.embeddedBrokerStarts()).isZero();
    }

    @Test
    void pointsAtAMisspelledBootstrapServersKey() throws IOException {
        Path config = Files.writeString(dir.resolve("sagaline.properties"), "bootstrap.server=" + nobodyHome + "\n");
        CliRun cli = new CliRun();

        int exit = cli.execute("run", "-c", config.toString(), "-d", definitions.toString());

        assertThat(exit).isEqualTo(SagalineCli.EXIT_BAD_INPUT);
        assertThat(cli.errLines()).singleElement().asString().contains("bootstrap.servers is not set", "'bootstrap.server'");
        assertThat(cli.embeddedBrokerStarts()).isZero();
    }

    @Test
    void startsTheEmbeddedBrokerOnlyWhenAskedTo() {
        CliRun cli = new CliRun();

        cli.execute("run", "-d", definitions.toString(), "--embedded-broker");

        assertThat(cli.embeddedBrokerStarts()).isEqualTo(1);
    }

    @Test
    void refusesTheEmbeddedBrokerWhenAClusterIsNamed() {
        CliRun cli = new CliRun();

        int exit = cli.execute("run", "-d", definitions.toString(), "--embedded-broker", "-D", "bootstrap.servers=" + nobodyHome);

        assertThat(exit).isEqualTo(SagalineCli.EXIT_BAD_INPUT);
        assertThat(cli.errLines()).singleElement().asString().contains("--embedded-broker", nobodyHome);
        assertThat(cli.embeddedBrokerStarts()).isZero();
    }

    @Test
    void refusesADataDirectoryWithoutTheEmbeddedBroker() {
        CliRun cli = new CliRun();

        int exit = cli.execute("run", "-d", definitions.toString(), "--data-dir", dir.toString(), "-D", "bootstrap.servers=" + nobodyHome);

        assertThat(exit).isEqualTo(SagalineCli.EXIT_BAD_INPUT);
        assertThat(cli.errLines()).singleElement().asString().contains("--data-dir", "--embedded-broker");
    }

    @Test
    void givesUpOnAnUnreachableClusterWithinTheConnectTimeoutNamingTheAddress() {
        CliRun cli = new CliRun();
        long started = System.nanoTime();

        int exit = cli.execute("run", "-d", definitions.toString(), "-D", "bootstrap.servers=" + nobodyHome,
                "-D", "sagaline.connect.timeout.ms=1500");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(exit).isEqualTo(SagalineCli.EXIT_CANNOT_CONNECT);
        assertThat(cli.errLines()).singleElement().asString()
                .startsWith("sagaline: no answer from the Kafka cluster at bootstrap.servers=" + nobodyHome + " within 1500 ms")
                .contains("sagaline.connect.timeout.ms", "security.protocol=PLAINTEXT");
    }

    @Test
    void condensesAKafkaClientThatCannotStartToOneLine() {
        CliRun cli = new CliRun();

        int exit = cli.execute("run", "-d", definitions.toString(), "-D", "bootstrap.servers=" + nobodyHome,
                "-D", "security.protocol=SSL", "-D", "ssl.truststore.location=" + dir.resolve("absent-truststore.jks"));

        assertThat(exit).isEqualTo(SagalineCli.EXIT_CANNOT_CONNECT);
        assertThat(cli.errLines()).singleElement().asString().startsWith("sagaline: ").contains("absent-truststore.jks");
    }

    @Test
    void printsTheTraceAfterTheLineWithVerbose() {
        CliRun cli = new CliRun();

        cli.execute("run", "--verbose", "-d", definitions.toString(), "-D", "bootstrap.servers=" + nobodyHome,
                "-D", "security.protocol=SSL", "-D", "ssl.truststore.location=" + dir.resolve("absent-truststore.jks"));

        assertThat(cli.errLines().get(0)).startsWith("sagaline: ").contains("absent-truststore.jks");
        assertThat(cli.errLines()).hasSizeGreaterThan(5).anyMatch(line -> line.strip().startsWith("at org.apache.kafka."));
    }

    @Test
    void takesSettingsFromSagalineEnvironmentVariables() {
        CliRun cli = new CliRun().environment(Map.of(
                "SAGALINE_KAFKA_BOOTSTRAP_SERVERS", nobodyHome,
                "SAGALINE_CONNECT_TIMEOUT_MS", "700",
                "SAGALINE_LOG_LEVEL", "DEBUG",
                "PATH", "/bin"));

        int exit = cli.execute("run", "-d", definitions.toString());

        assertThat(exit).isEqualTo(SagalineCli.EXIT_CANNOT_CONNECT);
        assertThat(cli.errLines()).singleElement().asString().contains("bootstrap.servers=" + nobodyHome, "within 700 ms");
    }

    @Test
    void letsTheCommandLineOverrideTheEnvironment() {
        CliRun cli = new CliRun().environment(Map.of("SAGALINE_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", "SAGALINE_CONNECT_TIMEOUT_MS", "700"));

        cli.execute("run", "-d", definitions.toString(), "-D", "bootstrap.servers=" + nobodyHome);

        assertThat(cli.errLines()).singleElement().asString().contains("bootstrap.servers=" + nobodyHome);
    }

    @Test
    void refusesASagalineEnvironmentVariableThatNamesNoSetting() {
        CliRun cli = new CliRun().environment(Map.of("SAGALINE_STEP_TIMOUT_MS", "500"));

        int exit = cli.execute("run", "-d", definitions.toString());

        assertThat(exit).isEqualTo(SagalineCli.EXIT_BAD_INPUT);
        assertThat(cli.errLines()).singleElement().asString().contains("SAGALINE_STEP_TIMOUT_MS", "'sagaline.step.timout.ms'");
    }

    @Test
    void resolvesFileConfigProviderVariablesInKafkaKeys() throws IOException {
        Path secrets = Files.writeString(dir.resolve("cluster.properties"), "servers=" + nobodyHome + "\n");
        Path config = Files.writeString(dir.resolve("sagaline.properties"), String.join("\n",
                "config.providers=file",
                "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
                "bootstrap.servers=${file:" + secrets + ":servers}",
                "sagaline.connect.timeout.ms=700",
                ""));
        CliRun cli = new CliRun();

        int exit = cli.execute("run", "-c", config.toString(), "-d", definitions.toString());

        assertThat(exit).isEqualTo(SagalineCli.EXIT_CANNOT_CONNECT);
        assertThat(cli.errLines()).singleElement().asString().contains("bootstrap.servers=" + nobodyHome);
    }

    @Test
    void resolvesEnvVarConfigProviderVariablesInKafkaKeys() throws Exception {
        Path config = Files.writeString(dir.resolve("sagaline.properties"), String.join("\n",
                "config.providers=env",
                "config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                "bootstrap.servers=${env:CLUSTER_ADDRESS}",
                "sagaline.connect.timeout.ms=700",
                ""));
        Path output = dir.resolve("run.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SagalineCli.class.getName(),
                "run", "-c", config.toString(), "-d", definitions.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("CLUSTER_ADDRESS", nobodyHome);
        Process run = builder.start();
        try {
            assertThat(run.waitFor(45, TimeUnit.SECONDS)).as("run exits").isTrue();
            assertThat(run.exitValue()).isEqualTo(SagalineCli.EXIT_CANNOT_CONNECT);
            assertThat(Files.readString(output)).contains("sagaline: no answer from the Kafka cluster at bootstrap.servers=" + nobodyHome);
        } finally {
            run.destroyForcibly();
        }
    }

    @Test
    void printsTheProjectAndKafkaVersions() throws IOException {
        Properties kafka = new Properties();
        try (InputStream in = KafkaException.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            kafka.load(in);
        }
        CliRun cli = new CliRun();

        int exit = cli.execute("--version");

        assertThat(exit).isZero();
        assertThat(cli.out()).containsPattern("^sagaline \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R")
                .contains("built with Kafka " + kafka.getProperty("version") + ",").doesNotContain("${");
    }
}
