package dev.sagaline.orchestrator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.orchestrator.runtime.SagalineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's table of settings lists every key the orchestrator declares, with its default. */
class ConfigurationDocsTest {

    @Test
    void readmeDocumentsEverySettingWithItsDefault() throws IOException {
        String readme = Files.readString(Path.of("..", "..", "README.md"));
        SagalineConfig.configDef().configKeys().values().forEach(key -> {
            String shown = key.defaultValue == null || key.defaultValue.toString().isEmpty() ? "(none)" : key.defaultValue.toString();
            assertThat(readme).as("README row of %s", key.name).contains("| `" + key.name + "` | " + shown + " | " + key.documentation + " |");
        });
    }
}
