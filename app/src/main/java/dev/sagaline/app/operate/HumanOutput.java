package dev.sagaline.app.operate;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;

/** The operator commands' text output: what a person reads in a terminal, one fact per line. */
final class HumanOutput {

    private HumanOutput() {
    }

    static void saga(PrintWriter out, JsonNode saga) {
        out.printf("%s  %s v%d  %s%s%n", saga.path("sagaId").asText(), saga.path("type").asText(), saga.path("version").asInt(),
                saga.path("status").asText(), saga.path("stuckFrom").isNull() ? "" : " (stuck while " + saga.path("stuckFrom").asText() + ")");
        out.printf("  created %s  updated %s%s%n", saga.path("createdAt").asText(), saga.path("updatedAt").asText(),
                saga.path("deadline").isNull() ? "" : "  deadline " + saga.path("deadline").asText());
        if (!saga.path("failureReason").isNull()) {
            out.println("  failure: " + saga.path("failureReason").asText());
        }
        out.println("  steps:");
        for (JsonNode step : saga.path("steps")) {
            out.printf("    %-20s %-10s attempt %d%s%s%n", step.path("name").asText(), step.path("status").asText(), step.path("attempt").asInt(),
                    step.path("action").isNull() ? "" : " " + step.path("action").asText(),
                    step.path("lastErrorCode").isNull() ? "" : "  last error " + step.path("lastErrorCode").asText() + ": " + step.path("lastErrorMessage").asText(""));
        }
        out.println("  events:");
        for (JsonNode event : saga.path("events")) {
            out.println("    " + event(event));
        }
    }

    static void list(PrintWriter out, JsonNode page) {
        out.printf("%-40s %-14s %s%n", "SAGA", "STATUS", "TYPE");
        for (JsonNode saga : page.path("sagas")) {
            out.printf("%-40s %-14s %s%n", saga.path("sagaId").asText(), saga.path("status").asText(), saga.path("type").asText());
        }
        if (!page.path("nextCursor").isNull()) {
            out.println("more: --cursor " + page.path("nextCursor").asText());
        }
    }

    static void stats(PrintWriter out, JsonNode stats) {
        out.printf("%-20s %-14s %s%n", "TYPE", "STATUS", "SAGAS");
        for (Iterator<Map.Entry<String, JsonNode>> types = stats.path("byType").fields(); types.hasNext(); ) {
            Map.Entry<String, JsonNode> type = types.next();
            type.getValue().fields().forEachRemaining(s -> out.printf("%-20s %-14s %d%n", type.getKey(), s.getKey(), s.getValue().asLong()));
        }
        out.printf("total %d%n", stats.path("total").asLong());
    }

    /** One event on one line: when, which saga, what, which step, the status change, and why. */
    static String event(JsonNode e) {
        StringBuilder line = new StringBuilder().append(e.path("timestamp").asText()).append(' ').append(e.path("sagaId").asText())
                .append(" #").append(e.path("sequence").asLong()).append(' ').append(e.path("kind").asText());
        if (!e.path("step").isNull()) {
            line.append(' ').append(e.path("step").asText());
        }
        if (!e.path("action").isNull()) {
            line.append(' ').append(e.path("action").asText());
        }
        if (!e.path("attempt").isNull()) {
            line.append(" attempt ").append(e.path("attempt").asInt());
        }
        String from = e.path("fromStatus").asText("");
        String to = e.path("toStatus").asText();
        line.append(' ').append(from.isEmpty() || from.equals(to) ? to : from + "->" + to);
        if (!e.path("errorCode").isNull()) {
            line.append(' ').append(e.path("errorCode").asText()).append(": ").append(e.path("errorMessage").asText(""));
        }
        if (!e.path("reason").isNull()) {
            line.append(" (").append(e.path("reason").asText()).append(')');
        }
        return line.toString();
    }
}
