package dev.sagaline.app;

import dev.sagaline.orchestrator.errors.SagalineConfigException;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The settings of the {@code sagaline} app beyond the orchestrator library's: where the saga
 * definitions it loads are. Declared here, not in {@link SagalineConfig}, because only the app
 * reads definitions from files; an application embedding the orchestrator passes its own.
 */
final class RunSettings {

    static final String DEFINITIONS_DIR_CONFIG = "sagaline.definitions.dir";
    private static final String DEFINITIONS_DIR_DOC = "Directory of saga definition YAML files the app loads at start-up.";

    private RunSettings() {
    }

    /** Every key the app reads: the orchestrator's and its own. */
    static ConfigDef configDef() {
        return SagalineConfig.configDef()
                .define(DEFINITIONS_DIR_CONFIG, Type.STRING, "", Importance.HIGH, DEFINITIONS_DIR_DOC);
    }

    /** The settings without the app's own keys, as the orchestrator library takes them. */
    static Map<String, Object> orchestratorSettings(Map<String, Object> settings) {
        Map<String, Object> orchestrator = new HashMap<>(settings);
        orchestrator.remove(DEFINITIONS_DIR_CONFIG);
        return orchestrator;
    }

    /**
     * The definitions directory the settings name, with config-provider variables resolved.
     *
     * @throws SagalineConfigException naming the key when it is unset or not a directory
     */
    static Path definitionsDirectory(Map<String, ?> settings) {
        String dir = new AbstractConfig(new ConfigDef().define(DEFINITIONS_DIR_CONFIG, Type.STRING, "", Importance.HIGH, DEFINITIONS_DIR_DOC),
                settings, false).getString(DEFINITIONS_DIR_CONFIG);
        if (dir == null || dir.isBlank()) {
            throw new SagalineConfigException(DEFINITIONS_DIR_CONFIG
                    + " is not set; point it at a directory of saga definition YAML files, or pass --definitions DIR");
        }
        Path path = Path.of(dir);
        if (!Files.isDirectory(path)) {
            throw new SagalineConfigException(DEFINITIONS_DIR_CONFIG + "=" + dir + " is not a directory");
        }
        return path;
    }
}
