package dev.sagaline.app;

import dev.sagaline.app.operate.OperatorClient;
import dev.sagaline.app.operate.OperatorCommands;
import dev.sagaline.orchestrator.errors.SagalineException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sagaline} command: {@code run} joins a cluster as an orchestrator, {@code dev} runs a
 * local orchestrator with the demo's services and a trickle of sagas to look at, the operator
 * commands ({@code describe}, {@code list}, {@code stats}, {@code retry}, {@code abort},
 * {@code resolve}, {@code events}) talk to a running orchestrator's HTTP API, {@code demo} runs
 * the order saga demo on an embedded local broker, {@code chaos} kills its processes under load
 * and checks every saga ended exactly once, {@code bench} measures throughput, latency,
 * state size and recovery against the exactly-once ceiling of the same machine.
 */
@Command(name = "sagaline", mixinStandardHelpOptions = true, versionProvider = SagalineCli.Version.class,
        description = "Sagaline: a saga orchestrator that runs as an exactly-once Kafka Streams application.",
        subcommands = {RunCommand.class, DevCommand.class, DemoCommand.class, BenchCommand.class, ChaosCommand.class,
                OperatorCommands.Describe.class, OperatorCommands.ListSagas.class, OperatorCommands.Stats.class,
                OperatorCommands.Retry.class, OperatorCommands.Abort.class, OperatorCommands.Resolve.class, OperatorCommands.Events.class,
                CommandLine.HelpCommand.class})
public final class SagalineCli implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Exit code: the command did what it was asked. */
    static final int EXIT_OK = 0;
    /** Exit code: a check failed or the orchestrator stopped on its own while running. */
    static final int EXIT_FAILED = 1;
    /** Exit code: bad settings, options or definitions; nothing was started. */
    static final int EXIT_BAD_INPUT = 2;
    /** Exit code: the Kafka cluster could not be reached or refused the client at start-up. */
    static final int EXIT_CANNOT_CONNECT = 3;

    /**
     * Runs the command line and returns its exit code: {@link #EXIT_OK}, {@link #EXIT_FAILED} (a
     * failed check, or, for the operator commands, no such saga), {@link #EXIT_BAD_INPUT},
     * {@link #EXIT_CANNOT_CONNECT} (the cluster or the server cannot be reached or cannot answer now);
     * a failure is one line on stderr, {@code sagaline: <what is wrong>}, followed by its trace
     * with {@code --verbose}.
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
                    int exit;
                    String message;
                    if (e instanceof ClusterUnreachableException) {
                        exit = EXIT_CANNOT_CONNECT;
                        message = e.getMessage();
                    } else if (e instanceof SagalineException || e instanceof IllegalArgumentException || e instanceof ConfigException) {
                        exit = EXIT_BAD_INPUT;
                        message = e.getMessage();
                    } else if (e instanceof KafkaException) {
                        exit = EXIT_CANNOT_CONNECT;
                        message = CauseChain.oneLine(e);
                    } else {
                        throw e;
                    }
                    cmd.getErr().println("sagaline: " + message);
                    if (cmd.getCommand() instanceof RunCommand run && run.verbose) {
                        e.printStackTrace(cmd.getErr());
                    }
                    return exit;
                });
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The project version and the Kafka version it was built with, from a resource filtered by the build. */
    static final class Version implements CommandLine.IVersionProvider {

        static final String RESOURCE = "/dev/sagaline/app/version.properties";

        @Override
        public String[] getVersion() throws IOException {
            Properties build = new Properties();
            try (InputStream in = SagalineCli.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IOException(RESOURCE + " is missing from the class path; the build filters it into place");
                }
                build.load(in);
            }
            return new String[] {"sagaline " + build.getProperty("version"),
                    "built with Kafka " + build.getProperty("kafka.version") + ", running on Java " + Runtime.version()};
        }
    }
}
