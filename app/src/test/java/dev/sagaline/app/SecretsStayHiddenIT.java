package dev.sagaline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sagaline.app.testsupport.GreetingSaga;
import dev.sagaline.app.testsupport.OrderRequests;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.participant.Participant;
import dev.sagaline.schemas.registry.RegistryClientSettings;
import dev.sagaline.schemas.registry.SchemaRegistries;
import dev.sagaline.schemas.registry.SchemaRegistry;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code sagaline run} on a secured broker with a Kafka password, a registry credential and an
 * HTTP token, every Kafka client (Streams, topic set-up, connection check, the HTTP server's audit
 * reader) logging in with the settings passed through; none of the secrets appears in the log,
 * Kafka's configuration dumps included, or in what the HTTP API and the CLI's {@code describe}
 * answer.
 */
@Tag("integration")
@Timeout(180)
class SecretsStayHiddenIT {

    private static final String KAFKA_SECRET = "kafka-secret-3f9a1c";
    private static final String REGISTRY_SECRET = "registry-secret-77b2e0";
    private static final String HTTP_SECRET = "http-token-5d04aa";
    private static final String USER = "sagaline-run";
    private static final String REGISTRY_URL = "memory://secrets-it";
    private static final Pattern HTTP_API = Pattern.compile("Sagaline HTTP API on (http://\\S+/)");

    @TempDir
    Path dir;

    private final ExecutorService background = Executors.newCachedThreadPool();
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger kafka = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("org.apache.kafka");
    private Level kafkaLevel;
    private LocalKafkaBroker broker;
    private Participant greeter;

    @BeforeEach
    void captureEveryLogLineKafkaConfigDumpsIncluded() {
        captured.start();
        root.addAppender(captured);
        kafkaLevel = kafka.getLevel();
        kafka.setLevel(Level.INFO);
    }

    @AfterEach
    void stopEverything() {
        if (greeter != null) {
            greeter.close();
        }
        background.shutdownNow();
        if (broker != null) {
            broker.close();
        }
        kafka.setLevel(kafkaLevel);
        root.detachAppender(captured);
    }

    @Test
    void noSecretAppearsInTheLogOrTheHttpApi() throws Exception {
        broker = LocalKafkaBroker.builder().secured().build().start();
        broker.createUser(USER, KAFKA_SECRET);
        broker.createAcls(List.of(allow(ResourceType.TOPIC), allow(ResourceType.GROUP), allow(ResourceType.TRANSACTIONAL_ID)));
        Map<String, Object> client = broker.clientConfig(USER, KAFKA_SECRET);
        Path definitions = GreetingSaga.writeDefinitions(dir.resolve("definitions"), "greeting", "secrets-it.greetings");
        CliRun cli = new CliRun();

        Future<Integer> exit = background.submit(() -> cli.execute("run", "-c", writeConfig(client).toString(), "-d", definitions.toString()));
        String api = await().atMost(Duration.ofSeconds(90)).until(this::httpApiUrl, url -> url != null);
        SchemaRegistry registry = SchemaRegistries.fromUrl(REGISTRY_URL, Map.of());
        greeter = GreetingSaga.startGreeter(client, "secrets-it.greetings", registry, dir.resolve("greeter"));
        try (OrderRequests requests = new OrderRequests(client, registry, "secrets-it.requests")) {
            requests.start("greeting", "greeting-1");
            requests.flush();
        }
        String describe = await().atMost(Duration.ofSeconds(90))
                .until(() -> get(api + "api/v1/sagas/greeting-1"), body -> body.contains("COMPLETED"));
        List<String> answers = new ArrayList<>(List.of(describe, get(api + "api/v1/sagas"), get(api + "api/v1/events"),
                get(api + "api/v1/stats"), get(api + "metrics"), get(api + "health/ready")));
        CliRun operator = new CliRun();
        assertThat(operator.execute("describe", "greeting-1", "--server", api)).as("describe's exit code").isZero();
        answers.add(operator.out());
        cli.runCommand().stop();
        assertThat(exit.get(60, TimeUnit.SECONDS)).as("run's exit code").isZero();

        String log = captured.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
        assertThat(log).as("Kafka's configuration dump of a secured client was captured")
                .contains("sasl.jaas.config = [hidden]").contains("security.protocol = SASL_SSL");
        assertThat(answers.get(2)).as("the audit trail, read through the HTTP API").contains("greeting-1");
        for (String secret : List.of(KAFKA_SECRET, REGISTRY_SECRET, HTTP_SECRET, ((Password) client.get("ssl.truststore.password")).value())) {
            assertThat(log).as("the log").doesNotContain(secret);
            assertThat(answers).as("the HTTP API's and the CLI's answers").noneMatch(answer -> answer.contains(secret));
            assertThat(cli.out() + cli.errLines()).as("run's own output").doesNotContain(secret);
        }
    }

    private Path writeConfig(Map<String, Object> client) throws IOException {
        Properties props = new Properties();
        client.forEach((key, value) -> props.setProperty(key, value instanceof Password password ? password.value() : value.toString()));
        props.setProperty(StreamsConfig.APPLICATION_ID_CONFIG, "secrets-it");
        props.setProperty("sagaline.topic.requests", "secrets-it.requests");
        props.setProperty("sagaline.topic.replies", "secrets-it.replies");
        props.setProperty("sagaline.topic.events", "secrets-it.events");
        props.setProperty("sagaline.topic.dead.letter", "secrets-it.dead-letter");
        props.setProperty("sagaline.topic.partitions", "1");
        props.setProperty("sagaline.http.port", "0");
        props.setProperty("sagaline.http.auth.token", HTTP_SECRET);
        props.setProperty("sagaline.schema.registry.url", REGISTRY_URL);
        props.setProperty(RegistryClientSettings.BASIC_AUTH_USER_INFO_CONFIG, "sagaline:" + REGISTRY_SECRET);
        props.setProperty(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        Path file = dir.resolve("sagaline.properties");
        StringWriter text = new StringWriter();
        props.store(text, "SecretsStayHiddenIT");
        Files.writeString(file, text.toString());
        return file;
    }

    private String httpApiUrl() {
        for (ILoggingEvent event : List.copyOf(captured.list)) {
            Matcher matcher = HTTP_API.matcher(event.getFormattedMessage());
            if (matcher.find()) {
                return matcher.group(1);
            }
        }
        return null;
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static AclBinding allow(ResourceType type) {
        return new AclBinding(new ResourcePattern(type, ResourcePattern.WILDCARD_RESOURCE, PatternType.LITERAL),
                new AccessControlEntry("User:" + USER, "*", AclOperation.ALL, AclPermissionType.ALLOW));
    }
}
