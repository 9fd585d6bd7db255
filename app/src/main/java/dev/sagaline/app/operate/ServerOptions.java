package dev.sagaline.app.operate;

import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every operator command shares: which server, its token, and JSON output for scripts. */
public final class ServerOptions {

    @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:SAGALINE_SERVER:-http://127.0.0.1:8080}",
            description = "The orchestrator's HTTP API (default ${DEFAULT-VALUE}; env SAGALINE_SERVER).")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:SAGALINE_TOKEN}",
            description = "Bearer token for retry, abort and resolve, when the server wants one (env SAGALINE_TOKEN).")
    String token;

    @Option(names = "--json", description = "Print the server's JSON instead of text, for scripts.")
    boolean json;

    OperatorClient client() {
        return new OperatorClient(server, Optional.ofNullable(token).filter(t -> !t.isBlank()));
    }
}
