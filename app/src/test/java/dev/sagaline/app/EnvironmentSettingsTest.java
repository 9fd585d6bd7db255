package dev.sagaline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.orchestrator.errors.SagalineConfigException;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@code SAGALINE_*} environment variables name settings. */
class EnvironmentSettingsTest {

    @Test
    void mapsSagalineVariablesToSagalineKeysAndKafkaVariablesToKafkaKeys() {
        Map<String, String> settings = EnvironmentSettings.from(Map.of(
                "SAGALINE_TOPIC_DEAD_LETTER", "dlq",
                "SAGALINE_KAFKA_BOOTSTRAP_SERVERS", "kafka-0:9092",
                "SAGALINE_KAFKA_SASL_JAAS_CONFIG", "secret",
                "SAGALINE_KAFKA_CLIENT_DNS__LOOKUP___X", "y",
                "HOME", "/root"));

        assertThat(settings).containsExactlyInAnyOrderEntriesOf(Map.of(
                "sagaline.topic.dead.letter", "dlq",
                "bootstrap.servers", "kafka-0:9092",
                "sasl.jaas.config", "secret",
                "client.dns-lookup_x", "y"));
    }

    @Test
    void leavesTheLoggingAndLauncherVariablesAlone() {
        assertThat(EnvironmentSettings.from(Map.of("SAGALINE_LOG_LEVEL", "DEBUG", "SAGALINE_KAFKA_LOG_LEVEL", "WARN",
                "SAGALINE_OPTS", "-Xmx1g", "SAGALINE_HOME", "/opt/sagaline"))).isEmpty();
    }

    @Test
    void namesTheVariableOfEveryDeclaredKeySoThatItMapsBack() {
        RunSettings.configDef().names().forEach(key ->
                assertThat(EnvironmentSettings.from(Map.of(EnvironmentSettings.variable(key), "v"))).containsOnlyKeys(key));
        assertThat(EnvironmentSettings.variable("bootstrap.servers")).isEqualTo("SAGALINE_KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void refusesASagalineVariableThatNamesNoSetting() {
        assertThatThrownBy(() -> EnvironmentSettings.from(Map.of("SAGALINE_RETRY_JITER", "0.1")))
                .isInstanceOf(SagalineConfigException.class).hasMessageContaining("SAGALINE_RETRY_JITER")
                .hasMessageContaining("'sagaline.retry.jiter'");
    }
}
