package dev.sagaline.orchestrator.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A Schema Registry REST endpoint (the two calls the wire format needs) over an in-process
 * registry, on a fixed loopback port, that a test can make unreachable, as a registry outage
 * looks to its clients (connection refused), and reachable again on the same address.
 */
public final class SwitchableRegistry implements AutoCloseable {

    private final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
    private final ObjectMapper json = new ObjectMapper();
    private int port;
    private HttpServer server;

    private SwitchableRegistry() {
    }

    /** A registry that answers, on a free port. */
    public static SwitchableRegistry start() {
        SwitchableRegistry registry = new SwitchableRegistry();
        registry.reachable();
        return registry;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Stops listening: every request is refused until {@link #reachable()}. */
    public synchronized void unreachable() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Listens again, on the same port once one was chosen, with every schema it knew. */
    public synchronized void reachable() {
        if (server != null) {
            return;
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + port, e);
        }
        server.createContext("/", this::handle);
        server.start();
        port = server.getAddress().getPort();
    }

    @Override
    public void close() {
        unreachable();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (exchange.getRequestMethod().equals("POST") && path.startsWith("/subjects/") && path.endsWith("/versions")) {
                JsonNode body = json.readTree(exchange.getRequestBody());
                String subject = path.substring("/subjects/".length(), path.length() - "/versions".length());
                reply(exchange, 200, Map.of("id", schemas.register(subject, new Schema.Parser().parse(body.path("schema").asText()))));
            } else if (exchange.getRequestMethod().equals("GET") && path.startsWith("/schemas/ids/")) {
                try {
                    Schema schema = schemas.schemaById(Integer.parseInt(path.substring("/schemas/ids/".length())));
                    reply(exchange, 200, Map.of("schema", schema.toString()));
                } catch (SchemaRegistryException | NumberFormatException e) {
                    reply(exchange, 404, Map.of("error_code", 40403, "message", "Schema not found"));
                }
            } else {
                reply(exchange, 404, Map.of("error_code", 404, "message", "no such endpoint"));
            }
        }
    }

    private void reply(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
