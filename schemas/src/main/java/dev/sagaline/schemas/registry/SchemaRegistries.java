package dev.sagaline.schemas.registry;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Chooses a {@link SchemaRegistry} from a URL, the one setting a deployment gives:
 * {@code memory://SCOPE} for the in-process registry shared under that scope (the default when the
 * URL is empty), {@code http://...} or {@code https://...} for a Confluent-compatible server.
 */
public final class SchemaRegistries {

    /** The scope used when no registry URL is configured. */
    public static final String DEFAULT_URL = "memory://sagaline";

    private SchemaRegistries() {
    }

    /**
     * @param url the registry URL; null or blank selects {@link #DEFAULT_URL}
     * @param headers headers for an HTTP registry (for example {@code Authorization}); ignored in memory
     * @throws IllegalArgumentException naming the URL when its scheme is not one of the above
     */
    public static SchemaRegistry fromUrl(String url, Map<String, String> headers) {
        String effective = url == null || url.isBlank() ? DEFAULT_URL : url.trim();
        URI uri = URI.create(effective);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        switch (scheme) {
            case "memory":
                return InMemorySchemaRegistry.scoped(effective.substring("memory://".length()));
            case "http":
            case "https":
                return new HttpSchemaRegistry(uri, headers, Duration.ofSeconds(10));
            default:
                throw new IllegalArgumentException("schema registry URL '" + effective
                        + "' must start with memory://, http:// or https://");
        }
    }
}
