package dev.sagaline.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;

/**
 * The {@code sagaline} command line as {@link SagalineCli#execute} runs it, with its output
 * captured, the embedded broker replaced by a counter that refuses to start one, and an empty
 * environment unless a test gives one.
 */
final class CliRun {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final AtomicInteger embeddedBrokerStarts = new AtomicInteger();
    private final CommandLine commandLine = SagalineCli.commandLine();
    private final RunCommand run = commandLine.getSubcommands().get("run").getCommand();

    CliRun() {
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        run.embeddedBroker = dataDir -> {
            embeddedBrokerStarts.incrementAndGet();
            throw new IllegalStateException("this test must not start the embedded broker");
        };
        run.environment = Map.of();
        BenchCommand bench = commandLine.getSubcommands().get("bench").getCommand();
        bench.environment = Map.of();
    }

    /** Runs with these environment variables instead of none. */
    CliRun environment(Map<String, String> environment) {
        run.environment = environment;
        return this;
    }

    /** Runs the command line; returns its exit code. */
    int execute(String... args) {
        return commandLine.execute(args);
    }

    /** The {@code run} command that {@link #execute} runs, to stop it. */
    RunCommand runCommand() {
        return run;
    }

    String out() {
        return out.toString();
    }

    List<String> errLines() {
        return err.toString().lines().toList();
    }

    int embeddedBrokerStarts() {
        return embeddedBrokerStarts.get();
    }
}
