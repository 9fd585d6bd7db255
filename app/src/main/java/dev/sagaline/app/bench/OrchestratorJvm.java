package dev.sagaline.app.bench;

import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.topics.ClientProfile;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.KafkaStreams;

/**
 * A second orchestrator instance of a benchmarked saga, in a JVM of its own as a second machine
 * would run it: started with this JVM's class path, it joins the same application id (as instance
 * 2), prints each state its Kafka Streams instance enters, and stops when its
 * standard input closes.
 */
final class OrchestratorJvm implements AutoCloseable {

    private static final String STATE = "orchestrator instance state ";

    private final Process process;
    private final Path output;

    private OrchestratorJvm(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static OrchestratorJvm start(BenchCluster cluster, String registryScope, String name, int threads, Path output) throws IOException {
        Files.createDirectories(output.getParent());
        // A file, not arguments: the client settings may hold credentials, which a process list shows.
        Path clientSettings = output.resolveSibling(name + "-client.properties");
        Files.deleteIfExists(clientSettings);
        Files.createFile(clientSettings, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Properties props = new Properties();
        cluster.clientSettings().forEach((key, value) -> props.setProperty(key, value instanceof Password password ? password.value()
                : value.toString()));
        try (Writer writer = Files.newBufferedWriter(clientSettings)) {
            props.store(writer, null);
        }
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-cp", System.getProperty("java.class.path"), OrchestratorJvm.class.getName(),
                cluster.bootstrapServers(), Integer.toString(cluster.partitions()), Long.toString(cluster.commitIntervalMs()),
                cluster.profile().id(), cluster.stateDir().toString(), registryScope, name, Integer.toString(threads),
                clientSettings.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new OrchestratorJvm(process, output);
    }

    /** Waits until the last state the instance printed is RUNNING. */
    void awaitRunning(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!lastStateIsRunning(Files.readString(output))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the second orchestrator instance did not run:\n" + Files.readString(output));
            }
            Thread.sleep(20);
        }
    }

    private static boolean lastStateIsRunning(String printed) {
        int last = printed.lastIndexOf(STATE);
        return last >= 0 && printed.startsWith(STATE + KafkaStreams.State.RUNNING, last);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try (OutputStream in = process.getOutputStream()) {
            in.flush();
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return "the second orchestrator JVM (output in " + output + ")";
    }

    /** Runs instance 2 of {@code name}'s orchestrator until standard input closes, printing each state it enters. */
    public static void main(String[] args) throws Exception {
        Properties clientSettings = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(args[8]))) {
            clientSettings.load(reader);
        }
        Map<String, Object> settings = new HashMap<>();
        clientSettings.forEach((key, value) -> settings.put(key.toString(), value));
        BenchCluster cluster = new BenchCluster(args[0], Integer.parseInt(args[1]), Long.parseLong(args[2]), ClientProfile.named(args[3]),
                Path.of(args[4]), settings);
        SagaApps apps = new SagaApps(cluster, args[5]);
        CountDownLatch parentGone = new CountDownLatch(1);
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // Nothing is read from the parent; its closing the pipe is the signal to stop.
                }
            } catch (IOException e) {
                // A broken pipe is the same signal.
            }
            parentGone.countDown();
        });
        stdin.setDaemon(true);
        stdin.start();
        try (SagalineApp app = apps.orchestrator(BenchTopics.of(args[6]), args[6], 2, Integer.parseInt(args[7]))) {
            KafkaStreams.State printed = null;
            while (!parentGone.await(20, TimeUnit.MILLISECONDS)) {
                KafkaStreams.State now = app.streams().state();
                if (now != printed) {
                    System.out.println(STATE + now);
                    printed = now;
                }
            }
        }
    }
}
