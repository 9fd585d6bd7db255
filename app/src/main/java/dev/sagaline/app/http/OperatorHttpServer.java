package dev.sagaline.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's HTTP server: the query API and operator requests under {@code /api/v1},
 * {@code /health/live} and {@code /health/ready}, {@code /metrics} in the Prometheus text format,
 * and the timeline page at {@code /}. It starts before the orchestrator (so that a free port it
 * picked can become the orchestrator's {@code application.server}) and answers 503 until
 * {@link #serve} hands it the running orchestrator.
 */
public final class OperatorHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OperatorHttpServer.class);
    private static final String UI_RESOURCES = "/sagaline/ui/";
    private static final Map<String, String> CONTENT_TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8");

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(16, r -> {
        Thread t = new Thread(r, "sagaline-http");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<SagalineApp> app = new AtomicReference<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final PrometheusMeterRegistry meters;
    private final MultiGauge activeSagas;
    private final Optional<String> token;
    private SagaApi api;
    private AuditReader audit;
    private OperatorRequests requests;

    private OperatorHttpServer(HttpServer server, PrometheusMeterRegistry meters, Optional<String> token) {
        this.server = server;
        this.meters = meters;
        this.token = token;
        this.activeSagas = MultiGauge.builder("sagaline.sagas.active")
                .description("Sagas not yet finished held by this instance, by saga type and status").register(meters);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
    }

    /**
     * Binds {@code sagaline.http.bind.address} and {@code sagaline.http.port} (0 for any free
     * port) and starts answering.
     *
     * @throws IOException when the address cannot be bound
     */
    public static OperatorHttpServer start(SagalineConfig config, PrometheusMeterRegistry meters) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(config.httpBindAddress(), Math.max(0, config.httpPort())), 0);
        OperatorHttpServer operator = new OperatorHttpServer(server, meters, config.httpAuthToken());
        server.start();
        log.info("Sagaline HTTP API on {}", operator.url());
        return operator;
    }

    /** This server as other instances reach it: the value for the orchestrator's {@code application.server}. */
    public String endpoint() {
        return server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    /** The base URL of the API and the page. */
    public String url() {
        return "http://" + endpoint() + "/";
    }

    /**
     * Starts answering for {@code orchestrator}, configured with {@code config} (whose
     * {@code application.server} must be {@link #endpoint()} when there are several instances).
     */
    public void serve(SagalineApp orchestrator, SagalineConfig config) {
        ProtocolSerdes serdes = new ProtocolSerdes(config.schemaRegistry());
        Map<String, Object> client = config.streamsProperties();
        this.audit = new AuditReader(config.topics().events(), client, serdes.events());
        this.requests = new OperatorRequests(config.topics().requests(), client, serdes.requests());
        Object server = client.get(StreamsConfig.APPLICATION_SERVER_CONFIG);
        HostInfo self = server == null ? HostInfo.unavailable() : HostInfo.buildFromEndpoint(server.toString());
        this.api = new SagaApi(app::get, self, audit, requests);
        app.set(orchestrator);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                route(exchange);
            } catch (HttpProblem problem) {
                ObjectNode error = SagaJson.MAPPER.createObjectNode().put("error", problem.getMessage()).put("status", problem.status());
                json(exchange, problem.status(), error);
            } catch (RuntimeException e) {
                log.warn("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                json(exchange, 500, SagaJson.MAPPER.createObjectNode().put("error", String.valueOf(e.getMessage())).put("status", 500));
            }
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        boolean local = "true".equals(exchange.getRequestHeaders().getFirst(Peers.LOCAL_HEADER));
        List<String> parts = segments(path);
        if (path.equals("/health/live")) {
            health(exchange, live());
        } else if (path.equals("/health/ready")) {
            health(exchange, ready());
        } else if (path.equals("/metrics")) {
            metrics(exchange);
        } else if (parts.size() >= 2 && parts.get(0).equals("api") && parts.get(1).equals("v1")) {
            api(exchange, method, parts.subList(2, parts.size()), query, local);
        } else if (method.equals("GET")) {
            page(exchange, path.equals("/") ? "index.html" : path.substring(1));
        } else {
            throw HttpProblem.notFound("no " + method + " " + path);
        }
    }

    private void api(HttpExchange exchange, String method, List<String> parts, Map<String, String> query, boolean local) throws IOException {
        if (api == null) {
            throw HttpProblem.unavailable("the orchestrator is starting");
        }
        if (method.equals("GET") && parts.equals(List.of("sagas"))) {
            json(exchange, 200, api.list(query.get("status"), query.get("type"), query.get("limit"), query.get("cursor"), local));
        } else if (method.equals("GET") && parts.size() == 2 && parts.get(0).equals("sagas")) {
            json(exchange, 200, api.describe(parts.get(1), local));
        } else if (method.equals("GET") && parts.equals(List.of("stats"))) {
            json(exchange, 200, api.stats(local));
        } else if (method.equals("GET") && parts.equals(List.of("events"))) {
            events(exchange, query);
        } else if (method.equals("POST") && parts.size() == 3 && parts.get(0).equals("sagas")) {
            authorize(exchange);
            JsonNode body = body(exchange);
            String operator = Optional.ofNullable(body.get("operator")).map(JsonNode::asText).filter(s -> !s.isBlank()).orElse("anonymous");
            json(exchange, 202, api.operate(parts.get(1), parts.get(2), body, operator));
        } else {
            throw HttpProblem.notFound("no " + method + " /api/v1/" + String.join("/", parts));
        }
    }

    /** Streams events as JSON lines (NDJSON) until the end of the topic or, with follow, until the client leaves. */
    private void events(HttpExchange exchange, Map<String, String> query) throws IOException {
        boolean follow = "true".equals(query.get("follow"));
        boolean fromEnd = "end".equals(query.get("from"));
        exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson; charset=utf-8");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        AtomicBoolean gone = new AtomicBoolean();
        audit.stream(query.get("saga"), fromEnd, follow, () -> gone.get() || closing.get(), event -> {
            try {
                out.write((SagaJson.MAPPER.writeValueAsString(SagaJson.event(event)) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                gone.set(true);
            }
        });
    }

    private void authorize(HttpExchange exchange) {
        if (token.isEmpty()) {
            return;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !MessageDigest.isEqual(("Bearer " + token.get()).getBytes(StandardCharsets.UTF_8),
                header.getBytes(StandardCharsets.UTF_8))) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            throw new HttpProblem(401, "operator requests need 'Authorization: Bearer TOKEN' (" + SagalineConfig.HTTP_AUTH_TOKEN_CONFIG + ")");
        }
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        if (bytes.length == 0) {
            return SagaJson.MAPPER.createObjectNode();
        }
        try {
            JsonNode body = SagaJson.MAPPER.readTree(bytes);
            if (!body.isObject()) {
                throw HttpProblem.badRequest("the body must be a JSON object");
            }
            return body;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw HttpProblem.badRequest("the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private String live() {
        SagalineApp running = app.get();
        if (running == null) {
            return null;
        }
        KafkaStreams.State state = running.streams().state();
        return state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR || state == KafkaStreams.State.NOT_RUNNING
                ? "!" + state : state.name();
    }

    /** Ready means RUNNING: every active task has restored its stores and processes records. */
    private String ready() {
        SagalineApp running = app.get();
        if (running == null) {
            return "!STARTING";
        }
        KafkaStreams.State state = running.streams().state();
        return state == KafkaStreams.State.RUNNING ? state.name() : "!" + state;
    }

    private static void health(HttpExchange exchange, String state) throws IOException {
        boolean ok = state == null || !state.startsWith("!");
        String shown = state == null ? "STARTING" : state.replace("!", "");
        json(exchange, ok ? 200 : 503, SagaJson.MAPPER.createObjectNode().put("status", ok ? "UP" : "DOWN").put("streams", shown));
    }

    private void metrics(HttpExchange exchange) throws IOException {
        SagalineApp running = app.get();
        if (running != null && running.streams().state() == KafkaStreams.State.RUNNING) {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            running.queries().localCounts().forEach((type, byStatus) -> byStatus.forEach((status, n) -> {
                if (status != SagaStatus.COMPLETED && status != SagaStatus.COMPENSATED) {
                    rows.add(MultiGauge.Row.of(Tags.of("type", type, "status", status.name()), n));
                }
            }));
            activeSagas.register(rows, true);
        }
        byte[] body = meters.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    private static void page(HttpExchange exchange, String file) throws IOException {
        if (file.contains("..") || file.contains("/")) {
            throw HttpProblem.notFound("no page " + file);
        }
        try (InputStream in = OperatorHttpServer.class.getResourceAsStream(UI_RESOURCES + file)) {
            if (in == null) {
                throw HttpProblem.notFound("no page " + file);
            }
            byte[] body = in.readAllBytes();
            String extension = file.substring(file.lastIndexOf('.') + 1);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPES.getOrDefault(extension, "application/octet-stream"));
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = SagaJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static List<String> segments(String rawPath) {
        List<String> parts = new ArrayList<>();
        for (String part : rawPath.split("/")) {
            if (!part.isEmpty()) {
                parts.add(URLDecoder.decode(part, StandardCharsets.UTF_8));
            }
        }
        return parts;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw == null) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!value.isEmpty()) {
                query.put(key, value);
            }
        }
        return query;
    }

    /** Stops answering; a following events stream ends. */
    @Override
    public void close() {
        closing.set(true);
        server.stop(1);
        threads.shutdownNow();
        if (requests != null) {
            requests.close();
        }
    }
}
