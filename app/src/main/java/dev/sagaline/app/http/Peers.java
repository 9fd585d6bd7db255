package dev.sagaline.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another orchestrator instance, at its {@code application.server}, to answer a query from
 * its own stores only (the {@value #LOCAL_HEADER} header), so a forwarded query is never
 * forwarded again.
 */
final class Peers {

    /** Marks a query that must be answered from the receiving instance's own stores. */
    static final String LOCAL_HEADER = "X-Sagaline-Local";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The peer's answer to {@code pathAndQuery}: its status and JSON body. */
    Answer get(HostInfo peer, String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + peer.host() + ":" + peer.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).header(LOCAL_HEADER, "true").GET().build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), SagaJson.MAPPER.readTree(response.body()));
        } catch (IOException e) {
            throw HttpProblem.unavailable("instance " + peer.host() + ":" + peer.port() + " did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HttpProblem.unavailable("interrupted while asking " + peer.host() + ":" + peer.port());
        }
    }

    /** A peer's answer. */
    record Answer(int status, JsonNode body) {
    }
}
