package dev.sagaline.localkafka.internals;

import dev.sagaline.localkafka.LocalKafkaException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One running child JVM that hosts a broker ({@link BrokerProcess}). Owns the process handle, its
 * stdin (the lifeline described in {@code BrokerProcess}) and a JVM shutdown hook that kills the
 * child if this JVM exits without closing it.
 */
public final class ChildBroker {

    /**
     * Small enough that several brokers fit next to a build on a laptop; serial GC avoids a pool of
     * GC threads per broker, and C1-only compilation shortens start-up.
     */
    private static final List<String> DEFAULT_JVM_OPTIONS = List.of(
            "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
            "-Dlogback.configurationFile=dev/sagaline/localkafka/internals/broker-logback.xml");

    private final Process process;
    private final Path outputFile;
    private final Thread killOnExit;

    private ChildBroker(Process process, Path outputFile) {
        this.process = process;
        this.outputFile = outputFile;
        this.killOnExit = new Thread(process::destroyForcibly, "local-kafka-kill-" + process.pid());
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * Starts a child JVM running {@link BrokerProcess} on {@code serverProperties}; stdout and
     * stderr are appended to {@code outputFile}. {@code extraJvmOptions} come after the defaults,
     * so they win where the JVM takes the last occurrence of a flag.
     */
    public static ChildBroker launch(Path serverProperties, Path outputFile, List<String> extraJvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(DEFAULT_JVM_OPTIONS);
        command.addAll(extraJvmOptions);
        command.add("-cp");
        command.add(ChildClasspath.current());
        command.add(BrokerProcess.class.getName());
        command.add(serverProperties.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile.toFile()));
        try {
            return new ChildBroker(builder.start(), outputFile);
        } catch (IOException e) {
            throw new LocalKafkaException("cannot launch the broker JVM " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code; only meaningful once {@link #isAlive()} is false. */
    public int exitCode() {
        return process.exitValue();
    }

    /** Waits up to {@code timeout} for the process to end on its own; true if it did. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The last lines the child wrote to stdout or stderr. */
    public List<String> lastOutputLines(int maxLines) {
        return LogTail.lastLines(outputFile, maxLines);
    }

    /** Asks for a clean shutdown and kills the process if it is still running after {@code timeout}. */
    public void stop(Duration timeout) {
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write((BrokerProcess.STOP_COMMAND + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The child already exited and closed its end of the pipe; nothing to ask.
        }
        try {
            if (!awaitExit(timeout)) {
                killHard();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killHard();
        }
        forgetShutdownHook();
    }

    /** SIGKILL, like a power cut: no flush, no clean-shutdown marker. Returns once the process is gone. */
    public void killHard() {
        process.destroyForcibly();
        boolean interrupted = false;
        while (true) {
            try {
                process.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        forgetShutdownHook();
    }

    /** Closes stdin without a stop request, which is what the child sees when this JVM dies. */
    public void closeStdin() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // The pipe is already closed on the child's side, which is the state we wanted.
        }
    }

    private void forgetShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook runs and finds the process gone.
        }
    }
}
