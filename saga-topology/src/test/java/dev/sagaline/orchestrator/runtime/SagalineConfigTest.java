package dev.sagaline.orchestrator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.orchestrator.errors.SagalineConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config provider variables resolve in every key handed to Kafka, not only in Sagaline's own. */
class SagalineConfigTest {

    @TempDir
    Path dir;

    @Test
    void resolvesConfigProviderVariablesInTheKeysItPassesToKafka() throws IOException {
        Path secrets = Files.writeString(dir.resolve("cluster.properties"), "servers=kafka-0:9092\njaas=secret-jaas\ntimeout=4000\n");
        SagalineConfig config = SagalineConfig.of(Map.of(
                "config.providers", "file",
                "config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider",
                "bootstrap.servers", "${file:" + secrets + ":servers}",
                "sasl.jaas.config", "${file:" + secrets + ":jaas}",
                SagalineConfig.CONNECT_TIMEOUT_MS_CONFIG, "${file:" + secrets + ":timeout}"));

        assertThat(config.streamsProperties()).containsEntry("bootstrap.servers", "kafka-0:9092")
                .containsEntry("sasl.jaas.config", "secret-jaas")
                .doesNotContainKeys("config.providers", "config.providers.file.class");
        assertThat(config.connectTimeout().toMillis()).isEqualTo(4000);
    }

    @Test
    void refusesARecordLimitThatLeavesTheProducerNoRoomForFramingNamingBothKeys() {
        assertThatThrownBy(() -> SagalineConfig.of(Map.of("max.request.size", "1000500")))
                .isInstanceOf(SagalineConfigException.class)
                .hasMessageContaining(SagalineConfig.RECORD_MAX_BYTES_CONFIG + "=1000000")
                .hasMessageContaining("max.request.size=1000500");
        assertThat(SagalineConfig.of(Map.of("producer.max.request.size", "1001024")).recordMaxBytes()).isEqualTo(1_000_000);
    }

    @Test
    void refusesARegistryUrlItCannotUseAtStartUpNamingTheKey() {
        assertThatThrownBy(() -> SagalineConfig.of(Map.of(SagalineConfig.SCHEMA_REGISTRY_URL_CONFIG, "ftp://registry:21")))
                .isInstanceOf(SagalineConfigException.class)
                .hasMessageContaining(SagalineConfig.SCHEMA_REGISTRY_URL_CONFIG)
                .hasMessageContaining("must start with memory://, http:// or https://");
    }
}
