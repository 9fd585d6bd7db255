package dev.sagaline.app.chaos;

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

/**
 * One {@link ChaosNode} in a JVM of its own, with its output appended to a file: started on a
 * settings file, killed with SIGKILL, started again on the same state directory. The child halts
 * when this JVM closes its stdin, so no node outlives the run, even one killed with {@code kill -9}.
 */
final class ChaosProcess {

    private static final List<String> JVM_OPTIONS = List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", "-XX:CICompilerCount=1");

    private final String name;
    private final Path settingsFile;
    private final Path output;
    private final String classpath;
    private Process process;
    private OutputStream lifeline;

    /** Writes {@code settings} under {@code workDir}; {@link #start} launches the process. */
    ChaosProcess(String name, Path workDir, Map<String, Object> settings, String classpath) {
        this.name = name;
        this.classpath = classpath;
        this.settingsFile = workDir.resolve(name + ".properties");
        this.output = workDir.resolve(name + ".log");
        Properties props = new Properties();
        settings.forEach((k, v) -> props.setProperty(k, String.valueOf(v)));
        try (OutputStream out = Files.newOutputStream(settingsFile)) {
            props.store(out, "chaos node " + name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + settingsFile, e);
        }
    }

    String name() {
        return name;
    }

    /** Launches the process without waiting for it. */
    synchronized void launch() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-cp", classpath, ChaosNode.class.getName(), settingsFile.toString()));
        try {
            Files.writeString(output, "---- start\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot launch " + name, e);
        }
        lifeline = process.getOutputStream();
    }

    /**
     * Waits until the process's Kafka Streams runs.
     *
     * @throws IllegalStateException with its last lines when it exits first or {@code timeout} passes
     */
    void awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!lastStartOutput().contains(ChaosNode.RUNNING_LINE)) {
            Process current = current();
            if (!current.isAlive()) {
                throw new IllegalStateException(name + " exited with " + current.exitValue() + ":\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " not running after " + timeout + ":\n" + tail());
            }
            sleep(100);
        }
    }

    /** SIGKILL; returns once the process is gone. */
    synchronized void kill() {
        process.destroyForcibly();
        boolean interrupted = false;
        while (process.isAlive()) {
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** True while the process lives. */
    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Ends the process by closing its stdin (it halts), then SIGKILL if it lingers. */
    synchronized void close() {
        if (process == null) {
            return;
        }
        try {
            lifeline.close();
        } catch (IOException e) {
            // Already closed on the child's side: it is gone.
        }
        kill();
    }

    /** The last lines the process wrote, for failure messages. */
    String tail() {
        List<String> lines = lines();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private synchronized Process current() {
        return process;
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
