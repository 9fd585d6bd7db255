package dev.sagaline.app.operate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A client of the orchestrator's HTTP API, for the operator commands and for tests: JSON in,
 * JSON out, the status code kept so that a caller can tell "no such saga" from "server down".
 */
public final class OperatorClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final Optional<String> token;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param baseUrl the server, e.g. {@code http://127.0.0.1:8080}
     * @param token the bearer token for operator requests, if the server wants one
     */
    public OperatorClient(String baseUrl, Optional<String> token) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
    }

    /** The path and query of a list of sagas; null filters are left out. */
    public static String listPath(String status, String type, int limit, String cursor) {
        StringBuilder query = new StringBuilder("/api/v1/sagas?limit=").append(limit);
        if (status != null) {
            query.append("&status=").append(encode(status));
        }
        if (type != null) {
            query.append("&type=").append(encode(type));
        }
        if (cursor != null) {
            query.append("&cursor=").append(encode(cursor));
        }
        return query.toString();
    }

    /** {@code value} encoded for a path segment or a query parameter. */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The answer to a GET of {@code pathAndQuery}. */
    public Answer get(String pathAndQuery) {
        return send(request(pathAndQuery).GET().build());
    }

    /** The answer to a POST of {@code body} as JSON. */
    public Answer post(String path, JsonNode body) {
        HttpRequest.Builder builder = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        token.ifPresent(t -> builder.header("Authorization", "Bearer " + t));
        return send(builder.build());
    }

    /** Hands each line of a streamed answer to {@code lines} until the server ends it. */
    public void stream(String pathAndQuery, Consumer<String> lines) {
        try {
            HttpResponse<InputStream> response = client.send(request(pathAndQuery).timeout(Duration.ofDays(365)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                if (response.statusCode() != 200) {
                    throw new ServerProblem(response.statusCode(), reader.lines().reduce("", String::concat));
                }
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.accept(line);
                }
            }
        } catch (IOException e) {
            throw new ServerProblem(0, "cannot reach " + baseUrl + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerProblem(0, "interrupted");
        }
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(Duration.ofSeconds(60));
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
            return new Answer(response.statusCode(), body);
        } catch (IOException e) {
            throw new ServerProblem(0, "cannot reach " + baseUrl + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerProblem(0, "interrupted");
        }
    }

    /**
     * A status and a JSON body.
     *
     * @param status the HTTP status
     * @param body the JSON body; on an error, {@code {"error": "...", "status": N}}
     */
    public record Answer(int status, JsonNode body) {

        /** The body of a successful answer, or a {@link ServerProblem} carrying the server's message. */
        public JsonNode orThrow() {
            if (status / 100 != 2) {
                throw new ServerProblem(status, body.path("error").asText("HTTP " + status));
            }
            return body;
        }
    }

    /** The server could not be reached (status 0) or refused the request (its status and message). */
    public static final class ServerProblem extends RuntimeException {

        private final int status;

        public ServerProblem(int status, String message) {
            super(message);
            this.status = status;
        }

        /** The HTTP status, or 0 when the server was not reached. */
        public int status() {
            return status;
        }
    }
}
