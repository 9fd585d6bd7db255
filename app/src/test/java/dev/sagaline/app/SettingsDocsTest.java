package dev.sagaline.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.docs.SettingsTable;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's table of settings is the app's declaration: every key with its default and documentation, and nothing else. */
class SettingsDocsTest {

    @Test
    void theReadmesTableGivesEveryKeyTheAppReadsWithItsDeclaredDefaultAndDocumentation() {
        assertThat(SettingsTable.under(Path.of("..", "README.md"), "### Settings").drift(RunSettings.configDef())).isEmpty();
    }
}
