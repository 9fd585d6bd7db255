package dev.sagaline.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.localkafka.LocalCertificates;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.serde.AvroSerdeConfig;
import dev.sagaline.schemas.testsupport.FakeSchemaRegistryServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registry credentials and TLS trust against a real HTTPS registry endpoint on 127.0.0.1 that checks the Authorization header. */
class RegistryClientSettingsTest {

    private static final Schema REPLY = StepReply.getClassSchema();
    private static final String SECRET = "registry-secret-0815";

    @TempDir
    static Path certificatesDir;
    private static LocalCertificates certificates;

    private FakeSchemaRegistryServer server;

    @BeforeAll
    static void makeCertificates() {
        certificates = LocalCertificates.generate(certificatesDir);
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void sendsBasicCredentialsToAnHttpsRegistryItTrusts() {
        server = FakeSchemaRegistryServer.startHttps(certificates);
        server.requireAuthorization(basic("orchestrator:" + SECRET));

        SchemaRegistry registry = settings(Map.of(RegistryClientSettings.BASIC_AUTH_USER_INFO_CONFIG, "orchestrator:" + SECRET))
                .schemaRegistry(server.uri().toString());

        assertThat(registry.register("sagaline.replies-value", REPLY)).isPositive();
        assertThat(server.requests()).singleElement()
                .satisfies(request -> assertThat(request.headers()).containsEntry("authorization", basic("orchestrator:" + SECRET)));
    }

    @Test
    void sendsABearerToken() {
        server = FakeSchemaRegistryServer.startHttps(certificates);
        server.requireAuthorization("Bearer " + SECRET);

        SchemaRegistry registry = settings(Map.of(RegistryClientSettings.BEARER_AUTH_TOKEN_CONFIG, SECRET)).schemaRegistry(server.uri().toString());

        assertThat(registry.register("sagaline.replies-value", REPLY)).isPositive();
    }

    @Test
    void aRegistryRefusingTheCredentialsIsAnErrorNamingTheStatus() {
        server = FakeSchemaRegistryServer.startHttps(certificates);
        server.requireAuthorization(basic("orchestrator:" + SECRET));

        SchemaRegistry registry = settings(Map.of(RegistryClientSettings.BASIC_AUTH_USER_INFO_CONFIG, "orchestrator:wrong"))
                .schemaRegistry(server.uri().toString());

        assertThatThrownBy(() -> registry.register("sagaline.replies-value", REPLY))
                .isExactlyInstanceOf(SchemaRegistryException.class).hasMessageContaining("HTTP 401");
    }

    @Test
    void anHttpsRegistryWhoseAuthorityIsNotTrustedIsRefused() {
        server = FakeSchemaRegistryServer.startHttps(certificates);

        HttpSchemaRegistry untrusting = new HttpSchemaRegistry(server.uri(), Map.of(), Duration.ofSeconds(5));

        assertThatThrownBy(() -> untrusting.register("sagaline.replies-value", REPLY))
                .isInstanceOf(SchemaRegistryUnavailableException.class).hasMessageContaining("SSLHandshakeException");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void basicCredentialsAndABearerTokenExcludeEachOther() {
        assertThatThrownBy(() -> settings(Map.of(RegistryClientSettings.BASIC_AUTH_USER_INFO_CONFIG, "u:" + SECRET,
                RegistryClientSettings.BEARER_AUTH_TOKEN_CONFIG, SECRET)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(RegistryClientSettings.BASIC_AUTH_USER_INFO_CONFIG)
                .hasMessageContaining(RegistryClientSettings.BEARER_AUTH_TOKEN_CONFIG)
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void anUnreadableTruststoreIsAnErrorNamingTheKey() {
        Map<String, Object> props = new HashMap<>();
        props.put(RegistryClientSettings.SSL_TRUSTSTORE_LOCATION_CONFIG, certificatesDir.resolve("absent.p12").toString());

        assertThatThrownBy(() -> settings(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(RegistryClientSettings.SSL_TRUSTSTORE_LOCATION_CONFIG);
    }

    @Test
    void printedSettingsNameTheSchemeButNoSecret() {
        assertThat(settings(Map.of(RegistryClientSettings.BASIC_AUTH_USER_INFO_CONFIG, "u:" + SECRET)).toString())
                .contains("Basic").doesNotContain(SECRET);
    }

    @Test
    void theSerdeSettingsTrustAnHttpsRegistryWithConfluentsKeyNames() {
        server = FakeSchemaRegistryServer.startHttps(certificates);
        server.requireAuthorization(basic("serde:" + SECRET));
        Map<String, Object> props = new HashMap<>();
        props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, server.uri().toString());
        props.put(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, "USER_INFO");
        props.put(AvroSerdeConfig.BASIC_AUTH_USER_INFO_CONFIG, "serde:" + SECRET);
        props.put(AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION_CONFIG, certificates.truststore().toString());
        props.put(AvroSerdeConfig.SSL_TRUSTSTORE_PASSWORD_CONFIG, certificates.password());

        assertThat(new AvroSerdeConfig(props).schemaRegistry().register("sagaline.replies-value", REPLY)).isPositive();
    }

    private static RegistryClientSettings settings(Map<String, Object> credentials) {
        Map<String, Object> props = new HashMap<>(credentials);
        props.putIfAbsent(RegistryClientSettings.SSL_TRUSTSTORE_LOCATION_CONFIG, certificates.truststore().toString());
        props.putIfAbsent(RegistryClientSettings.SSL_TRUSTSTORE_PASSWORD_CONFIG, certificates.password());
        return new RegistryClientSettings(new AbstractConfig(RegistryClientSettings.addTo(new ConfigDef()), props, false));
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }
}
