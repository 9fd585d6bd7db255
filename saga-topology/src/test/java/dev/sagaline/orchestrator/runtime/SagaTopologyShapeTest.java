package dev.sagaline.orchestrator.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * Pins the orchestrator topology's names: the stores' changelog topics derive from them, so a
 * change here would start a deployed orchestrator without the sagas it was running.
 */
class SagaTopologyShapeTest {

    private static final SagalineConfig CONFIG = SagalineConfig.of(Map.of(
            StreamsConfig.APPLICATION_ID_CONFIG, "shape", StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "shape:9092"));

    @Test
    void matchesTheCheckedInDescription() throws IOException {
        SagaDefinition order = SagaDefinition.named("order").step("reserve-stock").on("inventory.commands").compensatable().build();
        String described = SagaTopology.build(SagaDefinitions.of(order), CONFIG, new ProtocolSerdes(new InMemorySchemaRegistry()))
                .describe().toString();

        try (InputStream golden = SagaTopologyShapeTest.class.getResourceAsStream("/saga-topology.txt")) {
            assertThat(described.strip())
                    .as("the topology's description changed; if that is intended, replace src/test/resources/saga-topology.txt with it")
                    .isEqualTo(new String(golden.readAllBytes(), StandardCharsets.UTF_8).strip());
        }
    }

    @Test
    void runsExactlyOnceWithExplicitNamesAndDeadLettersByDefault() {
        Properties props = SagaTopology.streamsProperties(CONFIG);

        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(props.get(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG)).isEqualTo(true);
        assertThat(props.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG)).isEqualTo(CONFIG.topics().deadLetter());
        assertThat(props).doesNotContainKey(SagalineConfig.STEP_TIMEOUT_MS_CONFIG);
    }
}
