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
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;

/**
 * A client of a Confluent-compatible Schema Registry REST API, speaking the calls the wire format
 * needs: {@code POST /subjects/{subject}/versions} (register), {@code POST /subjects/{subject}}
 * (look up without registering), {@code GET /subjects/{subject}/versions/latest} and
 * {@code GET /schemas/ids/{id}}.
 *
 * <p>Every answer is cached for the life of the client, since ids are immutable in such a
 * registry; after warm-up a serde never waits on the network. The latest version of a subject is
 * cached too, as Confluent's serializer does by default: a client picks up a newer version when it
 * is restarted.
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
    private final Map<String, Integer> lookedUpBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<String, RegisteredSchema> latestBySubject = new ConcurrentHashMap<>();

    /**
     * @param baseUri the registry's base address, e.g. {@code http://127.0.0.1:8081}
     * @param headers extra headers sent with every request, such as {@code Authorization}
     * @param timeout the longest a single request may take
     */
    public HttpSchemaRegistry(URI baseUri, Map<String, String> headers, Duration timeout) {
        this(baseUri, headers, timeout, null);
    }

    /**
     * As above, trusting the server certificates {@code tls} trusts (see
     * {@link RegistryClientSettings#trusting}); null trusts the JDK's default authorities.
     */
    public HttpSchemaRegistry(URI baseUri, Map<String, String> headers, Duration timeout, SSLContext tls) {
        String base = Objects.requireNonNull(baseUri, "baseUri").toString();
        this.baseUri = URI.create(base.endsWith("/") ? base : base + "/");
        this.headers = Map.copyOf(headers);
        this.timeout = timeout;
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(timeout);
        if (tls != null) {
            client.sslContext(tls);
        }
        this.http = client.build();
    }

    /** A client with no extra headers and a 10 second timeout. */
    public HttpSchemaRegistry(URI baseUri) {
        this(baseUri, Map.of(), Duration.ofSeconds(10));
    }

    @Override
    public int register(String subject, Schema schema) {
        return idsBySubjectAndSchema.computeIfAbsent(subject + '\u0000' + schema,
                k -> postSchema(subject, "/versions", schema, "register subject '" + subject + "'"));
    }

    @Override
    public int lookUp(String subject, Schema schema) {
        return lookedUpBySubjectAndSchema.computeIfAbsent(subject + '\u0000' + schema,
                k -> postSchema(subject, "", schema, "look up schema " + schema.getFullName() + " under subject '" + subject + "'"));
    }

    /** Posts {@code schema} to {@code subjects/<subject><suffix>} and returns the id the registry answers with. */
    private int postSchema(String subject, String suffix, Schema schema, String what) {
        String path = "subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + suffix;
        JsonNode reply = send(request(path).POST(HttpRequest.BodyPublishers.ofString(schemaBody(schema))), what);
        int id = reply.path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException("cannot " + what + ": registry answered without an id: " + reply);
        }
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return latestBySubject.computeIfAbsent(subject, k -> {
            String path = "subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions/latest";
            JsonNode reply = send(request(path).GET(), "fetch the latest schema of subject '" + subject + "'");
            int id = reply.path("id").asInt(-1);
            String text = reply.path("schema").asText(null);
            if (id < 0 || text == null) {
                throw new SchemaRegistryException("registry answered fetching the latest schema of subject '" + subject
                        + "' without an id and a schema: " + reply);
            }
            Schema schema = parse(text, "the latest schema of subject '" + subject + "'");
            schemasById.putIfAbsent(id, schema);
            return new RegisteredSchema(id, schema);
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
            return parse(text, "schema id " + id);
        });
    }

    private String schemaBody(Schema schema) {
        try {
            return json.writeValueAsString(Map.of("schema", schema.toString()));
        } catch (IOException e) {
            throw new SchemaRegistryException("cannot encode schema " + schema.getFullName(), e);
        }
    }

    private static Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            throw new SchemaRegistryException(what + " from the registry is not a valid Avro schema", e);
        }
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
