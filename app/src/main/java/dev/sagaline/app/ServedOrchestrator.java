package dev.sagaline.app;

import dev.sagaline.app.http.OperatorHttpServer;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/**
 * An orchestrator with its HTTP server (unless {@code sagaline.http.port} is -1), as {@code run}
 * and {@code dev} start it: the server binds first, so that the port it got (any free one for
 * port 0) becomes the {@code application.server} other instances forward queries to; then the
 * orchestrator starts with the server's Prometheus registry for its meters.
 */
final class ServedOrchestrator implements AutoCloseable {

    private final SagalineApp app;
    private final OperatorHttpServer http;

    private ServedOrchestrator(SagalineApp app, OperatorHttpServer http) {
        this.app = app;
        this.http = http;
    }

    /** Starts the server and the orchestrator; prints the server's URL on {@code out}. */
    static ServedOrchestrator start(Map<String, Object> settings, SagaDefinitions definitions, PrintWriter out) throws IOException {
        Map<String, Object> effective = new HashMap<>(settings);
        SagalineConfig config = SagalineConfig.of(effective);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OperatorHttpServer http = null;
        if (config.httpPort() >= 0) {
            http = OperatorHttpServer.start(config, meters);
            effective.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, http.endpoint());
            config = SagalineConfig.of(effective);
        }
        try {
            SagalineApp app = SagalineApp.start(config, definitions, meters);
            if (http != null) {
                http.serve(app, config);
                out.println("Sagaline HTTP API and timeline page on " + http.url());
                out.flush();
            }
            return new ServedOrchestrator(app, http);
        } catch (RuntimeException e) {
            if (http != null) {
                http.close();
            }
            throw e;
        }
    }

    SagalineApp app() {
        return app;
    }

    /** The page's URL, or null without a server. */
    String url() {
        return http == null ? null : http.url();
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        app.close();
    }
}
