package dev.sagaline.app.operate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The operator commands, each a thin client of the orchestrator's HTTP API: {@code describe},
 * {@code list}, {@code stats}, {@code retry}, {@code abort}, {@code resolve} and {@code events}.
 * Exit codes: 0 done, 1 no such saga, 2 bad input (the server's 400 or 401 included), 3 the server
 * cannot be reached or cannot answer now.
 */
public final class OperatorCommands {

    /** Exit code when the saga does not exist. */
    public static final int NOT_FOUND = 1;
    /** Exit code for bad input: a wrong option, or a request the server refused as bad. */
    public static final int BAD_INPUT = 2;
    /** Exit code when the server cannot be reached or answers that it cannot serve now. */
    public static final int UNAVAILABLE = 3;

    private static final ObjectMapper JSON = new ObjectMapper();

    private OperatorCommands() {
    }

    /** The exit code for a server's refusal. */
    public static int exitCode(OperatorClient.ServerProblem problem) {
        return switch (problem.status()) {
            case 404 -> NOT_FOUND;
            case 400, 401, 403 -> BAD_INPUT;
            default -> UNAVAILABLE;
        };
    }

    /** Prints {@code node} as JSON with {@code --json}, else as {@code human} writes it. */
    private static void show(ServerOptions server, CommandLine.Model.CommandSpec spec, JsonNode node, BiConsumer<PrintWriter, JsonNode> human) {
        if (server.json) {
            print(spec.commandLine().getOut(), node);
        } else {
            human.accept(spec.commandLine().getOut(), node);
        }
    }

    private static void print(PrintWriter out, JsonNode node) {
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code sagaline describe ID}. */
    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Show a saga: its status, steps, last errors and audit events.")
    public static final class Describe implements Callable<Integer> {
        @Mixin ServerOptions server;
        @Parameters(paramLabel = "ID", description = "The saga id.") String sagaId;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode saga = server.client().get("/api/v1/sagas/" + OperatorClient.encode(sagaId)).orThrow();
            show(server, spec, saga, HumanOutput::saga);
            return 0;
        }
    }

    /** {@code sagaline list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List sagas by status and type, e.g. list --status STUCK.")
    public static final class ListSagas implements Callable<Integer> {
        @Mixin ServerOptions server;
        @Option(names = "--status", description = "Only sagas in this status: RUNNING, CONFIRMING, COMPENSATING, COMPLETED, COMPENSATED, STUCK.") String status;
        @Option(names = "--type", description = "Only sagas of this type.") String type;
        @Option(names = "--limit", defaultValue = "50", description = "Most sagas to list (default ${DEFAULT-VALUE}, at most 1000).") int limit;
        @Option(names = "--cursor", description = "Continue a list where the last one said 'more'.") String cursor;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode page = server.client().get(OperatorClient.listPath(status, type, limit, cursor)).orThrow();
            show(server, spec, page, HumanOutput::list);
            return 0;
        }
    }

    /** {@code sagaline stats}. */
    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Count sagas by type and status.")
    public static final class Stats implements Callable<Integer> {
        @Mixin ServerOptions server;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode stats = server.client().get("/api/v1/stats").orThrow();
            show(server, spec, stats, HumanOutput::stats);
            return 0;
        }
    }

    /** What retry, abort and resolve share: who asks, and printing the request id. */
    abstract static class OperatorRequest implements Callable<Integer> {
        @Mixin ServerOptions server;
        @Parameters(paramLabel = "ID", description = "The saga id.") String sagaId;
        @Option(names = "--operator", defaultValue = "${sys:user.name}", description = "Who asks; recorded in the saga's events (default ${DEFAULT-VALUE}).") String operator;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        abstract String action();

        abstract ObjectNode body();

        @Override
        public Integer call() {
            ObjectNode body = body().put("operator", operator);
            JsonNode accepted = server.client().post("/api/v1/sagas/" + OperatorClient.encode(sagaId) + "/" + action(), body).orThrow();
            show(server, spec, accepted, (out, a) -> out.printf("%s of %s requested: request id %s%n", action(), sagaId, a.path("requestId").asText()));
            return 0;
        }
    }

    /** {@code sagaline retry ID}. */
    @Command(name = "retry", mixinStandardHelpOptions = true, description = "Retry a STUCK saga: its stuck step gets a fresh budget of attempts.")
    public static final class Retry extends OperatorRequest {
        @Option(names = "--reason", description = "Why; recorded in the saga's events.") String reason;

        @Override
        String action() {
            return "retry";
        }

        @Override
        ObjectNode body() {
            return JSON.createObjectNode().put("reason", reason);
        }
    }

    /** {@code sagaline abort ID --reason R}. */
    @Command(name = "abort", mixinStandardHelpOptions = true, description = "Abort a saga: it is compensated, unless its pivot step already succeeded.")
    public static final class Abort extends OperatorRequest {
        @Option(names = "--reason", required = true, description = "Why; recorded in the saga's events.") String reason;

        @Override
        String action() {
            return "abort";
        }

        @Override
        ObjectNode body() {
            return JSON.createObjectNode().put("reason", reason);
        }
    }

    /** {@code sagaline resolve ID --step S --outcome succeeded|not-applied --reason R}. */
    @Command(name = "resolve", mixinStandardHelpOptions = true,
            description = "Settle an in-doubt step by your word: it succeeded, or it did not happen (not-applied).")
    public static final class Resolve extends OperatorRequest {
        @Option(names = "--step", required = true, description = "The in-doubt step.") String step;
        @Option(names = "--outcome", required = true, description = "succeeded or not-applied.") String outcome;
        @Option(names = "--reason", required = true, description = "What you checked; recorded in the saga's events.") String reason;

        @Override
        String action() {
            return "resolve";
        }

        @Override
        ObjectNode body() {
            return JSON.createObjectNode().put("step", step).put("outcome", outcome).put("reason", reason);
        }
    }

    /** {@code sagaline events [--follow] [--saga ID]}. */
    @Command(name = "events", mixinStandardHelpOptions = true,
            description = "Print the audit events, one line each: all so far, or with --follow, new ones as they happen.")
    public static final class Events implements Callable<Integer> {
        @Mixin ServerOptions server;
        @Option(names = "--saga", paramLabel = "ID", description = "Only this saga's events.") String sagaId;
        @Option(names = {"-f", "--follow"}, description = "Keep printing new events until stopped; without --saga, starts from now.") boolean follow;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            StringBuilder query = new StringBuilder("/api/v1/events?follow=").append(follow);
            if (sagaId != null) {
                query.append("&saga=").append(OperatorClient.encode(sagaId));
            } else if (follow) {
                query.append("&from=end");
            }
            PrintWriter out = spec.commandLine().getOut();
            server.client().stream(query.toString(), line -> {
                if (server.json) {
                    out.println(line);
                } else {
                    try {
                        out.println(HumanOutput.event(JSON.readTree(line)));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IllegalStateException("the server sent a line that is not JSON: " + line, e);
                    }
                }
                out.flush();
            });
            return 0;
        }
    }
}
