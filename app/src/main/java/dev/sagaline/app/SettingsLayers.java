package dev.sagaline.app;

import dev.sagaline.orchestrator.errors.SagalineConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The settings a command takes the way {@code run} does: a properties file, then {@code SAGALINE_*}
 * environment variables ({@link EnvironmentSettings}), then {@code -D KEY=VALUE}, each overriding
 * the one before. Kafka client settings (security included) pass through untouched, so every
 * command reaches a secured cluster with the same file.
 */
final class SettingsLayers {

    private SettingsLayers() {
    }

    /**
     * @param configFile the properties file; null for none
     * @throws SagalineConfigException naming the file when it is not one
     */
    static Map<String, Object> read(Path configFile, Map<String, String> environment, Map<String, String> overrides) throws IOException {
        Map<String, Object> settings = new HashMap<>();
        if (configFile != null) {
            if (!Files.isRegularFile(configFile)) {
                throw new SagalineConfigException("config file " + configFile + " does not exist or is not a file");
            }
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(configFile)) {
                props.load(reader);
            }
            props.forEach((k, v) -> settings.put(k.toString(), v.toString().trim()));
        }
        settings.putAll(EnvironmentSettings.from(environment));
        settings.putAll(overrides);
        // "bootstrap.servers=" means no cluster is named, not a cluster named "".
        if (settings.getOrDefault(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "x").toString().isBlank()) {
            settings.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        }
        return settings;
    }
}
