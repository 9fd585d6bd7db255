package dev.sagaline.schemas.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * Chooses a {@link SchemaRegistry} from a URL, the one setting a deployment gives:
 * {@code memory://SCOPE} for the in-process registry shared under that scope (the default when the
 * URL is empty), {@code http://...} or {@code https://...} for a Confluent-compatible server, whose
 * calls are retried while it is unavailable ({@link RetryingSchemaRegistry}).
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
        String effective = url == null || url.isBlank() ? DEFAULT_URL : url.trim();
        URI uri;
        try {
            uri = new URI(effective);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(invalid(effective) + " (" + e.getMessage() + ")", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "memory":
                if (!effective.regionMatches(true, 0, MEMORY_PREFIX, 0, MEMORY_PREFIX.length())) {
                    throw new IllegalArgumentException(invalid(effective));
                }
                return InMemorySchemaRegistry.scoped(effective.substring(MEMORY_PREFIX.length()));
            case "http":
            case "https":
                return new RetryingSchemaRegistry(new HttpSchemaRegistry(uri, headers == null ? Map.of() : headers, Duration.ofSeconds(10), tls),
                        UNAVAILABLE_PATIENCE);
            default:
                throw new IllegalArgumentException(invalid(effective));
        }
    }

    private static String invalid(String url) {
        return "schema registry URL '" + url + "' must start with memory://, http:// or https://";
    }
}
