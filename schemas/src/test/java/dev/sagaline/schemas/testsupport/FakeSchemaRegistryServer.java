package dev.sagaline.schemas.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.sagaline.localkafka.LocalCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A Confluent-compatible Schema Registry reduced to the calls the serdes make: register
 * ({@code POST /subjects/{subject}/versions}), look up ({@code POST /subjects/{subject}}), the
 * latest version ({@code GET /subjects/{subject}/versions/latest}) and by id
 * ({@code GET /schemas/ids/{id}}), served by the JDK's HTTP server on 127.0.0.1 and a free port.
 * It records every request, with its headers, so tests can count calls and check credentials; it
 * can serve HTTPS with a {@link LocalCertificates} key and refuse (401) requests without the
 * expected {@code Authorization} header, as a secured registry does.
 */
public final class FakeSchemaRegistryServer implements AutoCloseable {

    /** One request as the server saw it. */
    public record Request(String method, String path, Map<String, String> headers) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern LOOK_UP = Pattern.compile("/subjects/([^/]+)");
    private static final Pattern LATEST = Pattern.compile("/subjects/([^/]+)/versions/latest");
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");
    /** Ids start here, far from the in-memory registry's 1, so a test can tell where an id came from. */
    private static final int FIRST_ID = 100;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final Map<String, Integer> idsBySchema = new ConcurrentHashMap<>();
    private final Map<Integer, String> schemasById = new ConcurrentHashMap<>();
    private final Map<String, List<Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile int forcedStatus;
    private volatile String requiredAuthorization;

    private FakeSchemaRegistryServer(LocalCertificates certificates) throws IOException, GeneralSecurityException {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (certificates == null) {
            server = HttpServer.create(address, 0);
        } else {
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(serverContext(certificates)));
            server = https;
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeSchemaRegistryServer start() {
        return startWith(null);
    }

    /** A registry serving HTTPS with the key in {@code certificates}; clients must trust their CA. */
    public static FakeSchemaRegistryServer startHttps(LocalCertificates certificates) {
        return startWith(certificates);
    }

    private static FakeSchemaRegistryServer startWith(LocalCertificates certificates) {
        try {
            return new FakeSchemaRegistryServer(certificates);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot start the fake schema registry", e);
        }
    }

    /** From now on a request whose {@code Authorization} header is not exactly {@code value} is answered 401. */
    public void requireAuthorization(String value) {
        requiredAuthorization = value;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:54321} or {@code https://127.0.0.1:54321}. */
    public URI uri() {
        return URI.create((server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Stores a schema as if another client had registered it, without a request; returns its id. */
    public int preload(String schemaText) {
        return idFor(schemaText);
    }

    /** Registers a schema under a subject as if another client (a deployment pipeline) had; returns its id. */
    public int preloadUnder(String subject, String schemaText) {
        int id = idFor(schemaText);
        idsBySubject.computeIfAbsent(subject, s -> new CopyOnWriteArrayList<>()).add(id);
        return id;
    }

    /** From now on every request is answered with this HTTP status and an error body. */
    public void failEveryRequestWith(int status) {
        forcedStatus = status;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The ids registered under {@code subject}, oldest first. */
    public List<Integer> idsUnder(String subject) {
        return List.copyOf(idsBySubject.getOrDefault(subject, List.of()));
    }

    /** Stops the server; later requests find nothing listening. Safe to call twice. */
    @Override
    public void close() {
        if (stopped.compareAndSet(false, true)) {
            server.stop(0);
        }
    }

    private synchronized int idFor(String schemaText) {
        return idsBySchema.computeIfAbsent(schemaText, text -> {
            int id = FIRST_ID + schemasById.size();
            schemasById.put(id, text);
            return id;
        });
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            Map<String, String> headers = new ConcurrentHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
            requests.add(new Request(method, path, Map.copyOf(headers)));
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String required = requiredAuthorization;
            if (required != null && !required.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                reply(exchange, 401, Map.of("error_code", 401, "message", "Unauthorized"));
                return;
            }
            if (forcedStatus != 0) {
                reply(exchange, forcedStatus, Map.of("error_code", forcedStatus * 100, "message", "forced failure"));
                return;
            }
            Matcher register = REGISTER.matcher(path);
            Matcher byId = BY_ID.matcher(path);
            Matcher lookUp = LOOK_UP.matcher(path);
            Matcher latest = LATEST.matcher(path);
            if ("POST".equals(method) && register.matches()) {
                String schema = json.readTree(body).path("schema").asText();
                int id = idFor(schema);
                idsBySubject.computeIfAbsent(register.group(1), s -> new CopyOnWriteArrayList<>()).add(id);
                reply(exchange, 200, Map.of("id", id));
            } else if ("POST".equals(method) && lookUp.matches()) {
                Integer id = idsBySchema.get(json.readTree(body).path("schema").asText());
                List<Integer> under = idsBySubject.getOrDefault(lookUp.group(1), List.of());
                if (id == null || !under.contains(id)) {
                    reply(exchange, 404, Map.of("error_code", 40403, "message", "Schema not found"));
                } else {
                    reply(exchange, 200, Map.of("subject", lookUp.group(1), "id", id, "version", under.indexOf(id) + 1,
                            "schema", schemasById.get(id)));
                }
            } else if ("GET".equals(method) && latest.matches() && !idsBySubject.getOrDefault(latest.group(1), List.of()).isEmpty()) {
                List<Integer> under = idsBySubject.get(latest.group(1));
                int id = under.get(under.size() - 1);
                reply(exchange, 200, Map.of("subject", latest.group(1), "id", id, "version", under.size(), "schema", schemasById.get(id)));
            } else if ("GET".equals(method) && byId.matches() && schemasById.containsKey(Integer.valueOf(byId.group(1)))) {
                reply(exchange, 200, Map.of("schema", schemasById.get(Integer.valueOf(byId.group(1)))));
            } else {
                reply(exchange, 404, Map.of("error_code", 40403, "message", "Schema not found"));
            }
        }
    }

    private static SSLContext serverContext(LocalCertificates certificates) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance(LocalCertificates.STORE_TYPE);
        try (InputStream in = Files.newInputStream(certificates.keystore())) {
            keys.load(in, certificates.password().toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, certificates.password().toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }

    private void reply(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
