package dev.sagaline.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTableTest {

    private static final ConfigDef DECLARED = new ConfigDef()
            .define("demo.topic", Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH, "Where records go.")
            .define("demo.retries", Type.INT, 3, Importance.LOW, "How often to try again.")
            .define("demo.token", Type.PASSWORD, null, Importance.LOW, "A secret, if any.");

    @TempDir
    Path dir;

    @Test
    void aTableGivingEveryKeyWithItsDefaultAndDocumentationHasNoDrift() throws IOException {
        Path guide = guide("""
                | key | default | meaning |
                | --- | --- | --- |
                | `demo.topic` | (required) | Where records go. |
                | `demo.retries`   | 3      | How often to try again. |
                | `demo.token` | (none) | A secret, if any. |
                """);

        assertThat(SettingsTable.under(guide, "## Settings").drift(DECLARED)).isEmpty();
    }

    @Test
    void reportsAWrongDefaultAChangedTextAMissingRowAndAnUndeclaredRow() throws IOException {
        Path guide = guide("""
                | key | default | meaning |
                | --- | --- | --- |
                | `demo.topic` | (required) | Where the records go. |
                | `demo.retries` | 5 | How often to try again. |
                | `demo.retry.backoff` | 100 | Wait between tries. |
                """);

        assertThat(SettingsTable.under(guide, "## Settings").drift(DECLARED)).contains(
                "row `demo.topic` reads 'Where the records go.'; declared: 'Where records go.'",
                "row `demo.retries` gives the default '5'; declared: '3'",
                "no row for `demo.token`",
                "row `demo.retry.backoff` names a key that is not declared")
                .last().asString().contains("| `demo.token` | (none) | A secret, if any. |");
    }

    @Test
    void readsOnlyTheTableAfterTheHeading() throws IOException {
        Path guide = Files.writeString(dir.resolve("guide.md"), """
                ## Metrics

                | `demo.unrelated` | x | y |

                ## Settings

                | `demo.topic` | (required) | Where records go. |
                """);

        assertThat(SettingsTable.under(guide, "## Settings").drift(DECLARED))
                .doesNotContain("row `demo.unrelated` names a key that is not declared")
                .contains("no row for `demo.retries`");
        assertThatThrownBy(() -> SettingsTable.under(guide, "## Options")).hasMessageContaining("has no line '## Options'");
    }

    private Path guide(String table) throws IOException {
        return Files.writeString(dir.resolve("guide.md"), "# Guide\n\n## Settings\n\nSome words.\n\n" + table + "\nMore words.\n");
    }
}
