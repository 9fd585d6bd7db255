package dev.sagaline.app;

import dev.sagaline.orchestrator.errors.SagalineConfigException;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Settings taken from {@code SAGALINE_*} environment variables, so a container is configured
 * without a file: {@code SAGALINE_STEP_TIMEOUT_MS} sets {@code sagaline.step.timeout.ms}, and
 * {@code SAGALINE_KAFKA_BOOTSTRAP_SERVERS} sets the Kafka key {@code bootstrap.servers}. After the
 * prefix, {@code _} stands for a dot, {@code __} for a dash and {@code ___} for an underscore (the
 * convention of Confluent's images), and letters are lower-cased.
 *
 * <p>A {@code SAGALINE_} variable that names no {@code sagaline.*} setting is refused with its
 * name, as a misspelled key in a file is; the variables that logging and the launcher read are
 * not settings and are left alone.
 */
final class EnvironmentSettings {

    static final String PREFIX = "SAGALINE_";
    static final String KAFKA_PREFIX = "SAGALINE_KAFKA_";

    /** Read by logback.xml and bin/sagaline, not settings. */
    static final Set<String> NOT_SETTINGS = Set.of("SAGALINE_LOG_LEVEL", "SAGALINE_KAFKA_LOG_LEVEL", "SAGALINE_OPTS", "SAGALINE_HOME");

    private EnvironmentSettings() {
    }

    /**
     * The settings the variables of {@code environment} name.
     *
     * @throws SagalineConfigException naming a {@code SAGALINE_} variable that names no Sagaline setting
     */
    static Map<String, String> from(Map<String, String> environment) {
        Map<String, String> settings = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (!name.startsWith(PREFIX) || NOT_SETTINGS.contains(name)) {
                return;
            }
            if (name.startsWith(KAFKA_PREFIX)) {
                settings.put(key(name.substring(KAFKA_PREFIX.length())), value);
                return;
            }
            String key = "sagaline." + key(name.substring(PREFIX.length()));
            if (!RunSettings.configDef().names().contains(key)) {
                throw new SagalineConfigException("environment variable " + name + " names no setting ('" + key
                        + "' is unknown); Kafka settings take the prefix " + KAFKA_PREFIX + ", e.g. "
                        + KAFKA_PREFIX + "BOOTSTRAP_SERVERS");
            }
            settings.put(key, value);
        });
        return settings;
    }

    /** The environment variable that sets {@code key}. */
    static String variable(String key) {
        String body = key.replace("_", "___").replace("-", "__").replace(".", "_").toUpperCase(Locale.ROOT);
        return key.startsWith("sagaline.") ? PREFIX + body.substring("SAGALINE_".length()) : KAFKA_PREFIX + body;
    }

    private static String key(String variableBody) {
        return variableBody.toLowerCase(Locale.ROOT).replace("___", "\u0000").replace("__", "-").replace("_", ".").replace('\u0000', '_');
    }
}
