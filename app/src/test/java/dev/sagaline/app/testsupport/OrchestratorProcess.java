package dev.sagaline.app.testsupport;

import static org.awaitility.Awaitility.await;

import dev.sagaline.app.SagalineCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sagaline run} in a JVM of its own, as an operator starts it, with its output in a file:
 * started with the test's classpath, it prints the URL of its HTTP API, which this reads.
 */
public final class OrchestratorProcess implements AutoCloseable {

    private static final Pattern URL = Pattern.compile("HTTP API and timeline page on (http://\\S+)");

    private final Process process;
    private final Path output;
    private final String url;

    private OrchestratorProcess(Process process, Path output, String url) {
        this.process = process;
        this.output = output;
        this.url = url;
    }

    /** Starts {@code sagaline} with {@code args} and waits until it prints its URL. */
    public static OrchestratorProcess start(Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-cp", System.getProperty("java.class.path"), SagalineCli.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        String[] url = new String[1];
        await().atMost(Duration.ofSeconds(60))
                .failFast(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("sagaline " + String.join(" ", args) + " exited with " + process.exitValue() + ":\n" + Files.readString(output));
                    }
                })
                .until(() -> {
                    Matcher m = URL.matcher(Files.readString(output));
                    if (m.find()) {
                        url[0] = m.group(1);
                    }
                    return url[0] != null;
                });
        return new OrchestratorProcess(process, output, url[0]);
    }

    /** The base URL of its HTTP API. */
    public String url() {
        return url;
    }

    /** Its output so far. */
    public String output() throws IOException {
        return Files.readString(output);
    }

    /** Stops it as SIGTERM does and waits for it to exit. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
