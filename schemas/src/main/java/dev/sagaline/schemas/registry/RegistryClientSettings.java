package dev.sagaline.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * How a Sagaline component proves itself to an HTTP schema registry and which registry
 * certificates it trusts: the {@code sagaline.schema.registry.*} credential and TLS settings that
 * the orchestrator's and the participant's configurations declare next to
 * {@code sagaline.schema.registry.url}, with the names Confluent's clients give the same settings.
 * Secrets are {@link Type#PASSWORD} settings, so no configuration dump prints them.
 *
 * <p>Built from a configuration whose declaration went through {@link #addTo}; checks the
 * settings at once, so a wrong one stops start-up naming the key.
 */
public final class RegistryClientSettings {

    public static final String BASIC_AUTH_USER_INFO_CONFIG = "sagaline.schema.registry.basic.auth.user.info";
    private static final String BASIC_AUTH_USER_INFO_DOC = "user:password sent to an HTTP schema registry with HTTP Basic"
            + " authentication; excludes sagaline.schema.registry.bearer.auth.token.";

    public static final String BEARER_AUTH_TOKEN_CONFIG = "sagaline.schema.registry.bearer.auth.token";
    private static final String BEARER_AUTH_TOKEN_DOC = "A token sent to an HTTP schema registry as 'Authorization: Bearer TOKEN'.";

    public static final String SSL_TRUSTSTORE_LOCATION_CONFIG = "sagaline.schema.registry.ssl.truststore.location";
    private static final String SSL_TRUSTSTORE_LOCATION_DOC = "Truststore file holding the certificate authorities an https://"
            + " schema registry's certificate must chain to; empty trusts the JDK's default authorities.";

    public static final String SSL_TRUSTSTORE_PASSWORD_CONFIG = "sagaline.schema.registry.ssl.truststore.password";
    private static final String SSL_TRUSTSTORE_PASSWORD_DOC = "Password of sagaline.schema.registry.ssl.truststore.location.";

    public static final String SSL_TRUSTSTORE_TYPE_CONFIG = "sagaline.schema.registry.ssl.truststore.type";
    private static final String SSL_TRUSTSTORE_TYPE_DOC = "Type of sagaline.schema.registry.ssl.truststore.location: PKCS12 or JKS.";

    private final Map<String, String> headers;
    private final SSLContext tls;

    /**
     * @param config a configuration declared with {@link #addTo}
     * @throws ConfigException naming the key of a contradiction or of a truststore that cannot be read
     */
    public RegistryClientSettings(AbstractConfig config) {
        this.headers = authorization(config.getPassword(BASIC_AUTH_USER_INFO_CONFIG), BASIC_AUTH_USER_INFO_CONFIG,
                config.getPassword(BEARER_AUTH_TOKEN_CONFIG), BEARER_AUTH_TOKEN_CONFIG);
        this.tls = trusting(config.getString(SSL_TRUSTSTORE_LOCATION_CONFIG), config.getPassword(SSL_TRUSTSTORE_PASSWORD_CONFIG),
                config.getString(SSL_TRUSTSTORE_TYPE_CONFIG), SSL_TRUSTSTORE_LOCATION_CONFIG);
    }

    /** Declares the settings in {@code definition} and returns it. */
    public static ConfigDef addTo(ConfigDef definition) {
        return definition
                .define(BASIC_AUTH_USER_INFO_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, BASIC_AUTH_USER_INFO_DOC)
                .define(BEARER_AUTH_TOKEN_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, BEARER_AUTH_TOKEN_DOC)
                .define(SSL_TRUSTSTORE_LOCATION_CONFIG, Type.STRING, "", Importance.MEDIUM, SSL_TRUSTSTORE_LOCATION_DOC)
                .define(SSL_TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, SSL_TRUSTSTORE_PASSWORD_DOC)
                .define(SSL_TRUSTSTORE_TYPE_CONFIG, Type.STRING, "PKCS12", ConfigDef.ValidString.in("PKCS12", "JKS"),
                        Importance.LOW, SSL_TRUSTSTORE_TYPE_DOC);
    }

    /** The registry at {@code url} ({@link SchemaRegistries#fromUrl}), reached with these credentials and this trust. */
    public SchemaRegistry schemaRegistry(String url) {
        return SchemaRegistries.fromUrl(url, headers, tls);
    }

    /**
     * The {@code Authorization} header for HTTP Basic {@code user:password} or a bearer token,
     * or none when both are null.
     *
     * @throws ConfigException naming both keys when both are given, or the Basic key when it has no colon
     */
    public static Map<String, String> authorization(Password basicUserInfo, String basicKey, Password bearerToken, String bearerKey) {
        boolean basic = basicUserInfo != null && !basicUserInfo.value().isEmpty();
        boolean bearer = bearerToken != null && !bearerToken.value().isEmpty();
        if (basic && bearer) {
            throw new ConfigException(basicKey + " and " + bearerKey + " exclude each other; give the registry one of them");
        }
        if (bearer) {
            return Map.of("Authorization", "Bearer " + bearerToken.value());
        }
        if (!basic) {
            return Map.of();
        }
        if (!basicUserInfo.value().contains(":")) {
            throw new ConfigException(basicKey, basicUserInfo, "must be user:password");
        }
        return Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(basicUserInfo.value().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A TLS context trusting the authorities in the truststore at {@code location}, or null (the
     * JDK's defaults) when {@code location} is blank.
     *
     * @throws ConfigException naming {@code locationKey} when the store cannot be read
     */
    public static SSLContext trusting(String location, Password password, String type, String locationKey) {
        if (location == null || location.isBlank()) {
            return null;
        }
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password == null ? null : password.value().toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(locationKey, location, "cannot read the " + type + " truststore: " + e.getMessage());
        }
    }

    /** Says which credentials are set, never their values. */
    @Override
    public String toString() {
        return "RegistryClientSettings[authorization=" + (headers.isEmpty() ? "none" : headers.get("Authorization").split(" ")[0])
                + ", truststore=" + (tls == null ? "JDK default" : "configured") + "]";
    }
}
