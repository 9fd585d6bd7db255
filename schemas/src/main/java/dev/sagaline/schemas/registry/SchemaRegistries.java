package dev.sagaline.schemas.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Chooses a {@link SchemaRegistry} from a URL, the one setting a deployment gives:
 * {@code memory://SCOPE} for the in-process registry shared under that scope (the default when the
 * URL is empty), {@code http://...} or {@code https://...} for a Confluent-compatible server, whose
 * calls are retried while it is unavailable ({@link RetryingSchemaRegistry}).
 *
 * <p>The setting that carries the URL, {@value #URL_CONFIG}, is declared here once
 * ({@link #defineUrl}) for the orchestrator's and every participant's configuration, so both accept
 * exactly the URLs {@link #fromUrl} can use, and refuse the others at start-up naming the key.
 */
public final class SchemaRegistries {

    /** The scope used when no registry URL is configured. */
    public static final String DEFAULT_URL = "memory://sagaline";

    /**
     * How long a call to an HTTP registry retries while the registry is unavailable before it gives
     * up (see {@link RetryingSchemaRegistry}); well below the consumer's default five-minute
     * {@code max.poll.interval.ms}.
     */
    public static final Duration UNAVAILABLE_PATIENCE = Duration.ofSeconds(60);

    /** The key naming the registry, the same for the orchestrator and every participant. */
    public static final String URL_CONFIG = "sagaline.schema.registry.url";
    private static final String URL_DOC = "The schema registry for requests, commands, replies, events and payloads:"
            + " memory://SCOPE for the in-process registry shared within one JVM (the default), or the http(s) URL of a"
            + " Confluent-compatible Schema Registry. Ignored where a registry instance is given in code.";

    private static final String MEMORY_PREFIX = "memory://";

    private SchemaRegistries() {
    }

    /**
     * @param url the registry URL; null or blank selects {@link #DEFAULT_URL}
     * @param headers headers for an HTTP registry (for example {@code Authorization}); null for none;
     *     ignored in memory
     * @throws IllegalArgumentException naming the URL when it is not a valid URI or its scheme is not
     *     one of the above
     */
    public static SchemaRegistry fromUrl(String url, Map<String, String> headers) {
        return fromUrl(url, headers, null);
    }

    /**
     * As above, an HTTPS registry's certificate checked against {@code tls} (null for the JDK's
     * default authorities); {@link RegistryClientSettings} builds both from settings.
     */
    public static SchemaRegistry fromUrl(String url, Map<String, String> headers, SSLContext tls) {
        String effective = effective(url);
        URI uri = checked(effective);
        if (uri.getScheme().equalsIgnoreCase("memory")) {
            return InMemorySchemaRegistry.scoped(effective.substring(MEMORY_PREFIX.length()));
        }
        return new RetryingSchemaRegistry(new HttpSchemaRegistry(uri, headers == null ? Map.of() : headers, Duration.ofSeconds(10), tls),
                UNAVAILABLE_PATIENCE);
    }

    /**
     * Declares {@value #URL_CONFIG} in {@code definition}: a string defaulting to
     * {@value #DEFAULT_URL}, valid when {@link #fromUrl} accepts it, of high importance.
     *
     * @return {@code definition}, for chaining
     */
    public static ConfigDef defineUrl(ConfigDef definition) {
        return definition.define(URL_CONFIG, Type.STRING, DEFAULT_URL, new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                try {
                    checked(effective((String) value));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, value, e.getMessage());
                }
            }

            @Override
            public String toString() {
                return "memory://SCOPE, http://... or https://...";
            }
        }, Importance.HIGH, URL_DOC);
    }

    private static String effective(String url) {
        return url == null || url.isBlank() ? DEFAULT_URL : url.trim();
    }

    /** The URI of {@code url} when its scheme is one {@link #fromUrl} serves. */
    private static URI checked(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(invalid(url) + " (" + e.getMessage() + ")", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean memory = scheme.equals("memory") && url.regionMatches(true, 0, MEMORY_PREFIX, 0, MEMORY_PREFIX.length());
        if (!memory && !scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(invalid(url));
        }
        return uri;
    }

    private static String invalid(String url) {
        return "schema registry URL '" + url + "' must start with memory://, http:// or https://";
    }
}
