package dev.sagaline.app;

import dev.sagaline.definition.SagaDefinitionLoader;
import dev.sagaline.definition.SagaDefinitions;
import dev.sagaline.errors.SagalineConfigException;
import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.runtime.SagalineApp;
import dev.sagaline.runtime.SagalineConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sagaline run}: joins a Kafka cluster as an orchestrator instance and runs until stopped
 * (SIGTERM or Ctrl-C close it cleanly). Without {@code bootstrap.servers} it starts the embedded
 * local broker.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the orchestrator: load saga definitions, create missing topics, process until stopped.",
                "Every Kafka Streams and client setting (security included) passes through from the config file or -D."})
final class RunCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Properties file: bootstrap.servers, application.id, sagaline.* and any Kafka setting.")
    private Path configFile;

    @Option(names = {"-d", "--definitions"}, paramLabel = "DIR", description = "Directory of saga definition YAML files (overrides sagaline.definitions.dir).")
    private Path definitionsDir;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "A setting, overriding the config file.")
    private Map<String, String> overrides = new HashMap<>();

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Without bootstrap.servers: keep the embedded broker's data and the state stores here.")
    private Path dataDir;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> settings = settings();
        LocalKafkaBroker broker = null;
        if (!settings.containsKey(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            broker = EmbeddedBroker.start(dataDir);
            settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            if (dataDir != null) {
                settings.putIfAbsent(StreamsConfig.STATE_DIR_CONFIG, dataDir.resolve("state").toString());
            }
        }
        settings.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, "sagaline");
        SagalineConfig config = SagalineConfig.of(settings);
        SagaDefinitions definitions = SagaDefinitionLoader.fromDirectory(definitionsDirectory(config));
        CountDownLatch stopped = new CountDownLatch(1);
        SagalineApp app = SagalineApp.start(config, definitions);
        LocalKafkaBroker embedded = broker;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            if (embedded != null) {
                embedded.close();
            }
            stopped.countDown();
        }, "sagaline-shutdown"));
        stopped.await();
        return 0;
    }

    private Map<String, Object> settings() throws IOException {
        Map<String, Object> settings = new HashMap<>();
        if (configFile != null) {
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(configFile)) {
                props.load(reader);
            }
            props.forEach((k, v) -> settings.put(k.toString(), v.toString().trim()));
        }
        settings.putAll(overrides);
        if (definitionsDir != null) {
            settings.put(SagalineConfig.DEFINITIONS_DIR_CONFIG, definitionsDir.toString());
        }
        return settings;
    }

    private static Path definitionsDirectory(SagalineConfig config) {
        String dir = config.getString(SagalineConfig.DEFINITIONS_DIR_CONFIG);
        if (dir == null || dir.isBlank()) {
            throw new SagalineConfigException(SagalineConfig.DEFINITIONS_DIR_CONFIG
                    + " is not set; point it at a directory of saga definition YAML files, or pass --definitions DIR");
        }
        Path path = Path.of(dir);
        if (!Files.isDirectory(path)) {
            throw new SagalineConfigException(SagalineConfig.DEFINITIONS_DIR_CONFIG + "=" + dir + " is not a directory");
        }
        return path;
    }
}
