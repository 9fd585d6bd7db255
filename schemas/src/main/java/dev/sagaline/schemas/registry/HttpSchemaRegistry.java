package dev.sagaline.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A client of a Confluent-compatible Schema Registry REST API, speaking only the two calls the
 * wire format needs: {@code POST /subjects/{subject}/versions} and {@code GET /schemas/ids/{id}}.
 *
 * <p>Both directions are cached for the life of the client, since ids are immutable in such a
 * registry; after warm-up a serde never waits on the network.
 */
public final class HttpSchemaRegistry implements SchemaRegistry {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final URI baseUri;
    private final Map<String, String> headers;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    /**
     * @param baseUri the registry's base address, e.g. {@code http://127.0.0.1:8081}
     * @param headers extra headers sent with every request, such as {@code Authorization}
     * @param timeout the longest a single request may take
     */
    public HttpSchemaRegistry(URI baseUri, Map<String, String> headers, Duration timeout) {
        String base = Objects.requireNonNull(baseUri, "baseUri").toString();
        this.baseUri = URI.create(base.endsWith("/") ? base : base + "/");
        this.headers = Map.copyOf(headers);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** A client with no extra headers and a 10 second timeout. */
    public HttpSchemaRegistry(URI baseUri) {
        this(baseUri, Map.of(), Duration.ofSeconds(10));
    }

    @Override
    public int register(String subject, Schema schema) {
        String text = schema.toString();
        return idsBySubjectAndSchema.computeIfAbsent(subject + '\u0000' + text, k -> {
            String body;
            try {
                body = json.writeValueAsString(Map.of("schema", text));
            } catch (IOException e) {
                throw new SchemaRegistryException("cannot encode schema " + schema.getFullName(), e);
            }
            String path = "subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions";
            JsonNode reply = send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)), "register subject '" + subject + "'");
            int id = reply.path("id").asInt(-1);
            if (id < 0) {
                throw new SchemaRegistryException("registry answered registering subject '" + subject + "' without an id: " + reply);
            }
            schemasById.putIfAbsent(id, schema);
            return id;
        });
    }

    @Override
    public Schema schemaById(int id) {
        return schemasById.computeIfAbsent(id, k -> {
            JsonNode reply = send(request("schemas/ids/" + id).GET(), "fetch schema id " + id);
            String text = reply.path("schema").asText(null);
            if (text == null) {
                throw new SchemaRegistryException("registry answered fetching schema id " + id + " without a schema: " + reply);
            }
            try {
                return new Schema.Parser().parse(text);
            } catch (RuntimeException e) {
                throw new SchemaRegistryException("schema id " + id + " from the registry is not a valid Avro schema", e);
            }
        });
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(baseUri.resolve(path))
                .timeout(timeout)
                .header("Accept", CONTENT_TYPE)
                .header("Content-Type", CONTENT_TYPE);
        headers.forEach(builder::header);
        return builder;
    }

    private JsonNode send(HttpRequest.Builder builder, String what) {
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // e.toString(), not getMessage(): a refused connection has a null message.
            throw new SchemaRegistryUnavailableException("cannot " + what + " at " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryUnavailableException("interrupted while trying to " + what, e);
        }
        int status = response.statusCode();
        if (status / 100 == 5 || status == 408 || status == 429) {
            throw new SchemaRegistryUnavailableException("cannot " + what + ": registry answered HTTP " + status + " " + response.body());
        }
        if (response.statusCode() / 100 != 2) {
            throw new SchemaRegistryException("cannot " + what + ": registry answered HTTP " + response.statusCode() + " " + response.body());
        }
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new SchemaRegistryException("cannot " + what + ": registry answered with invalid JSON: " + response.body(), e);
        }
    }
}
