package dev.sagaline.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.testsupport.FakeSchemaRegistryServer;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SchemaRegistries.fromUrl picks the registry a deployment's one URL names. */
class SchemaRegistriesTest {

    @ParameterizedTest(name = "[{0}]")
    @NullSource
    @ValueSource(strings = {"", "  "})
    void noUrlSelectsTheDefaultInMemoryScope(String url) {
        assertThat(SchemaRegistries.fromUrl(url, Map.of())).isSameAs(InMemorySchemaRegistry.scoped("sagaline"));
    }

    @Test
    void memoryUrlSelectsTheInMemoryRegistryOfThatScope() {
        SchemaRegistry demo = SchemaRegistries.fromUrl("memory://registries-test-demo", Map.of());

        assertThat(demo).isSameAs(InMemorySchemaRegistry.scoped("registries-test-demo"))
                .isNotSameAs(InMemorySchemaRegistry.scoped("registries-test-other"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8081", "https://registry.example.com", "HTTP://127.0.0.1:8081/"})
    void httpUrlSelectsAnHttpRegistryRetriedWhileUnavailable(String url) {
        assertThat(SchemaRegistries.fromUrl(url, Map.of())).isInstanceOf(RetryingSchemaRegistry.class)
                .asString().endsWith("(retried for up to PT1M while unavailable)");
    }

    @Test
    void httpRegistrySendsTheGivenHeadersToThatUrl() {
        try (FakeSchemaRegistryServer server = FakeSchemaRegistryServer.start()) {
            SchemaRegistry registry = SchemaRegistries.fromUrl(server.uri().toString(), Map.of("Authorization", "Basic dTpw"));

            int id = registry.register("replies-value", StepReply.getClassSchema());

            assertThat(server.idsUnder("replies-value")).containsExactly(id);
            assertThat(server.requests().get(0).headers()).containsEntry("authorization", "Basic dTpw");
        }
    }

    @Test
    void httpRegistryAcceptsNullHeaders() {
        assertThat(SchemaRegistries.fromUrl("http://127.0.0.1:8081", null)).isInstanceOf(RetryingSchemaRegistry.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://registry:21", "localhost:8081", "memory:sagaline", "registry.example.com"})
    void unsupportedSchemeIsRejectedNamingTheUrlAndTheChoices(String url) {
        assertThatThrownBy(() -> SchemaRegistries.fromUrl(url, Map.of()))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("schema registry URL '" + url + "' must start with memory://, http:// or https://");
    }

    @Test
    void malformedUrlIsRejectedNamingTheUrlAndTheChoices() {
        assertThatThrownBy(() -> SchemaRegistries.fromUrl("127.0.0.1:8081", Map.of()))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("schema registry URL '127.0.0.1:8081' must start with memory://, http:// or https://")
                .hasMessageContaining("Illegal character in scheme name");
    }

    @Test
    void theDeclaredUrlSettingAcceptsWhatFromUrlAcceptsAndRefusesTheRestNamingTheKey() {
        ConfigDef definition = SchemaRegistries.defineUrl(new ConfigDef());

        assertThat(new AbstractConfig(definition, Map.of()).getString(SchemaRegistries.URL_CONFIG)).isEqualTo(SchemaRegistries.DEFAULT_URL);
        assertThat(new AbstractConfig(definition, Map.of(SchemaRegistries.URL_CONFIG, "HTTP://127.0.0.1:8081/"))
                .getString(SchemaRegistries.URL_CONFIG)).isEqualTo("HTTP://127.0.0.1:8081/");
        assertThatThrownBy(() -> new AbstractConfig(definition, Map.of(SchemaRegistries.URL_CONFIG, "memory:sagaline")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SchemaRegistries.URL_CONFIG)
                .hasMessageContaining("schema registry URL 'memory:sagaline' must start with memory://, http:// or https://");
    }
}
