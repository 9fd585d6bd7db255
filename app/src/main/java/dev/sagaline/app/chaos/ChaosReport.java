package dev.sagaline.app.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What a chaos run did and found: the settings, how the sagas ended, every invariant with its
 * violations, the kills with the time each took to recover from, and whether the run passed.
 *
 * @param acknowledged start requests the broker acknowledged
 * @param refused start requests that failed (the broker was down for longer than the producer waits)
 * @param outages every kill and broker restart, with the time until every partition moved again
 * @param unplannedExits processes that stopped on their own and were started again
 * @param failures what kept the run from doing what it should (a process that did not come back)
 */
public record ChaosReport(ChaosSettings settings, ChaosCheck.Verdict verdict, int acknowledged, int refused,
                          List<ProgressWatch.Outage> outages, int unplannedExits, List<String> failures, Duration elapsed) {

    /** True when every invariant held, nothing stopped on its own and the chaos ran as planned. */
    public boolean passed() {
        return verdict.passed() && unplannedExits == 0 && failures.isEmpty();
    }

    /** The longest time to recover after a kill of {@code kind} (orchestrator, participant, broker), if there was one. */
    public OptionalLong maxRecoveryMs(String kind) {
        return outages.stream().filter(o -> o.kind.equals(kind) && o.recoveredAfterMs != null)
                .mapToLong(o -> o.recoveredAfterMs).max();
    }

    long kills(String kind) {
        return outages.stream().filter(o -> o.kind.equals(kind)).count();
    }

    long unrecovered() {
        return outages.stream().filter(o -> o.recoveredAfterMs == null).count();
    }

    /** The summary figures, in the order they are printed. */
    public Map<String, Object> figures() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("sagas started", verdict.started);
        f.put("start requests acknowledged", acknowledged);
        f.put("start requests refused", refused);
        f.put("completed", verdict.completed);
        f.put("compensated", verdict.compensated);
        f.put("stuck", verdict.stuck);
        f.put("stuck reasons", verdict.stuckReasons);
        f.put("lost", verdict.count("lost"));
        f.put("duplicated terminal outcomes", verdict.count("duplicatedTerminal"));
        f.put("missing compensations", verdict.count("missingCompensations"));
        f.put("commands after a terminal state", verdict.count("commandsAfterTerminal"));
        f.put("compensated sagas with effects not undone", verdict.count("effectsNotUndone"));
        f.put("completed sagas with effects missing", verdict.count("completedNotApplied"));
        f.put("double-applied effects", verdict.count("doubleApplied"));
        f.put("orchestrator kills", kills("orchestrator"));
        f.put("participant kills", kills("participant"));
        f.put("broker restarts", kills("broker"));
        f.put("processes that stopped on their own", unplannedExits);
        f.put("standby replicas", settings.standbys());
        f.put("max time to recover after an orchestrator kill (ms)", orNull(maxRecoveryMs("orchestrator")));
        f.put("max time to recover after a participant kill (ms)", orNull(maxRecoveryMs("participant")));
        f.put("max time to recover after a broker restart (ms)", orNull(maxRecoveryMs("broker")));
        f.put("max time until every task moved, orchestrator (ms)", orNull(outages.stream()
                .filter(o -> o.kind.equals("orchestrator") && o.taskMovedAfterMs != null).mapToLong(o -> o.taskMovedAfterMs).max()));
        f.put("kills not recovered from by the end", unrecovered());
        f.put("elapsed (s)", elapsed.toMillis() / 1000.0);
        return f;
    }

    /** Prints the summary and the first violations of each invariant. */
    public void print(PrintStream out) {
        out.println();
        figures().forEach((k, v) -> out.printf("  %-52s %s%n", k, v));
        verdict.problems.forEach((invariant, list) -> list.stream().limit(5).forEach(p -> out.println("  " + invariant + ": " + p)));
        failures.forEach(f -> out.println("  " + f));
        out.println(passed() ? "Every invariant held." : "INVARIANTS FAILED.");
    }

    /** Writes the settings, figures, every kill and the violations (up to 100 of each) as JSON. */
    public void writeJson(Path file) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("passed", passed());
        json.put("settings", Map.of("instances", settings.instances(), "participantsPerService", settings.participantsPerService(),
                "duration", settings.duration().toString(), "rate", settings.rate(), "killEvery", settings.killEvery().toString(),
                "brokerRestarts", settings.brokerRestarts(), "seed", settings.seed(), "standbys", settings.standbys(),
                "partitions", settings.partitions(), "cores", Runtime.getRuntime().availableProcessors()));
        json.put("figures", figures());
        json.put("kills", outages.stream().map(o -> {
            Map<String, Object> kill = new LinkedHashMap<>();
            kill.put("victim", o.victim);
            kill.put("kind", o.kind);
            kill.put("atMs", o.atMs);
            kill.put("runningAgainAfterMs", o.restartedAfterMs);
            kill.put("movingAgainAfterMs", o.recoveredAfterMs);
            kill.put("taskMovingAgainAfterMs", o.taskMovedAfterMs);
            return kill;
        }).toList());
        Map<String, Object> violations = new LinkedHashMap<>();
        verdict.problems.forEach((k, list) -> violations.put(k, list.stream().limit(100).toList()));
        json.put("violations", violations);
        json.put("failures", failures);
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static Object orNull(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }
}
