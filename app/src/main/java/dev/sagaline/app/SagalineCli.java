package dev.sagaline.app;

import dev.sagaline.app.operate.OperatorClient;
import dev.sagaline.app.operate.OperatorCommands;
import dev.sagaline.orchestrator.errors.SagalineException;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sagaline} command: {@code run} joins a cluster as an orchestrator, {@code dev} runs a
 * local orchestrator with the demo's services and a trickle of sagas to look at, the operator
 * commands ({@code describe}, {@code list}, {@code stats}, {@code retry}, {@code abort},
 * {@code resolve}, {@code events}) talk to a running orchestrator's HTTP API, {@code demo} runs
 * the order saga demo on an embedded local broker, {@code bench} measures throughput, latency,
 * state size and recovery against the exactly-once ceiling of the same machine.
 */
@Command(name = "sagaline", mixinStandardHelpOptions = true, versionProvider = SagalineCli.Version.class,
        description = "Sagaline: a saga orchestrator that runs as an exactly-once Kafka Streams application.",
        subcommands = {RunCommand.class, DevCommand.class, DemoCommand.class, BenchCommand.class,
                OperatorCommands.Describe.class, OperatorCommands.ListSagas.class, OperatorCommands.Stats.class,
                OperatorCommands.Retry.class, OperatorCommands.Abort.class, OperatorCommands.Resolve.class, OperatorCommands.Events.class,
                CommandLine.HelpCommand.class})
public final class SagalineCli implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs the command line and returns its exit code: 0 success, 1 a failed check (or, for the
     * operator commands, no such saga), 2 bad input, 3 the server cannot be reached or cannot
     * answer now; on an error, one line on stderr, {@code sagaline: <what is wrong>}.
     */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The command line {@link #execute} runs, for tests that redirect its output or stop its {@code run}. */
    static CommandLine commandLine() {
        return new CommandLine(new SagalineCli())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof OperatorClient.ServerProblem problem) {
                        cmd.getErr().println("sagaline: " + problem.getMessage());
                        return OperatorCommands.exitCode(problem);
                    }
                    if (e instanceof SagalineException || e instanceof IllegalArgumentException || e instanceof ConfigException) {
                        cmd.getErr().println("sagaline: " + e.getMessage());
                        return 2;
                    }
                    throw e;
                });
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SagalineCli.class.getPackage().getImplementationVersion();
            return new String[] {"sagaline " + (version == null ? "development build" : version)};
        }
    }
}
