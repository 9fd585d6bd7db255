package dev.sagaline.orchestrator.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * An orchestrator in a child JVM ({@link OrchestratorMain}) that a test can pause with SIGSTOP,
 * resume with SIGCONT, stop cleanly, and start again on the same state directory: the process
 * boundary makes an OutOfMemoryError, a stalled process or a redeploy what it is in production.
 * The heap is small ({@value #HEAP}), as on a container.
 */
public final class ChildOrchestrator implements AutoCloseable {

    static final String HEAP = "-Xmx256m";

    private final Path workDir;
    private final Path configFile;
    private final Path definitionsDir;
    private final Path output;
    private Process process;

    private ChildOrchestrator(Path workDir, Path configFile, Path definitionsDir) {
        this.workDir = workDir;
        this.configFile = configFile;
        this.definitionsDir = definitionsDir;
        this.output = workDir.resolve("orchestrator.log");
    }

    /**
     * Writes {@code settings} and the YAML {@code definitions} (file name to text) under
     * {@code workDir}; {@link #start()} launches the process.
     */
    public static ChildOrchestrator in(Path workDir, Map<String, Object> settings, Map<String, String> definitions) {
        try {
            Path definitionsDir = Files.createDirectories(workDir.resolve("definitions"));
            for (Map.Entry<String, String> definition : definitions.entrySet()) {
                Files.writeString(definitionsDir.resolve(definition.getKey()), definition.getValue());
            }
            Properties props = new Properties();
            settings.forEach((k, v) -> props.setProperty(k, String.valueOf(v)));
            Path configFile = workDir.resolve("orchestrator.properties");
            try (OutputStream out = Files.newOutputStream(configFile)) {
                props.store(out, "child orchestrator");
            }
            return new ChildOrchestrator(workDir, configFile, definitionsDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Launches the process and waits until it processes records. */
    public ChildOrchestrator start(Duration timeout) {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running as pid " + process.pid());
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), OrchestratorMain.class.getName(),
                configFile.toString(), definitionsDir.toString()));
        try {
            Files.writeString(output, "---- start\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!lastStartOutput().contains(OrchestratorMain.RUNNING_LINE)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("child orchestrator exited with " + process.exitValue() + ":\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("child orchestrator not running after " + timeout + ":\n" + tail());
            }
            sleep(100);
        }
        return this;
    }

    /** SIGSTOP: the process keeps its sockets and memory but runs no code, as in a long GC pause or a frozen VM. */
    public void pause() {
        signal("-STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        signal("-CONT");
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Asks for a clean close (commit, leave or stay in the group as configured) and waits for the exit. */
    public void stop() {
        if (process == null) {
            return;
        }
        if (process.isAlive()) {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write((OrchestratorMain.STOP_COMMAND + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // The child closed its end already: it is exiting.
            }
        }
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The last lines the process wrote, for failure messages. */
    public String tail() {
        List<String> lines = lines();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            resume();
            stop();
        }
    }

    private String lastStartOutput() {
        List<String> lines = lines();
        int start = lines.lastIndexOf("---- start");
        return String.join("\n", lines.subList(Math.max(0, start), lines.size()));
    }

    private List<String> lines() {
        try {
            return Files.exists(output) ? Files.readAllLines(output, StandardCharsets.ISO_8859_1) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
