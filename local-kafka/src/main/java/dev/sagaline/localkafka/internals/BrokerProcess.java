package dev.sagaline.localkafka.internals;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * Main class of the child JVM that hosts one KRaft broker+controller. Its single argument is the
 * path of a server.properties file. The parent talks to it through stdin: the line
 * {@value #STOP_COMMAND} asks for a clean shutdown; end-of-file means the parent is gone (crashed,
 * killed, or exited without closing us) and the broker halts at once, so no broker outlives its test.
 */
public final class BrokerProcess {

    /** The stdin line that asks for a clean shutdown. */
    public static final String STOP_COMMAND = "stop";

    /**
     * A key of the properties file that is not a broker setting: the SCRAM user (in
     * {@code kafka-storage format --add-scram} syntax) written into the metadata when the log
     * directory is formatted, so the node can authenticate to its own SCRAM listener.
     */
    public static final String SCRAM_BOOTSTRAP_KEY = "sagaline.local.bootstrap.scram";

    /** Exit code after a clean shutdown requested with {@link #STOP_COMMAND}. */
    public static final int EXIT_STOPPED = 0;
    /** Exit code when the configuration, the storage format or the server start-up failed. */
    public static final int EXIT_START_FAILED = 2;
    /** Exit code when stdin closed without a stop request, i.e. the parent went away. */
    public static final int EXIT_ORPHANED = 3;

    private static final Logger LOG = LoggerFactory.getLogger(BrokerProcess.class);

    private static volatile KafkaRaftServer runningServer;

    private BrokerProcess() {
    }

    public static void main(String[] args) {
        // Watch the parent before anything slow happens, so a parent that dies during start-up
        // does not leave a broker behind.
        Thread watcher = new Thread(BrokerProcess::watchParent, "parent-watcher");
        watcher.setDaemon(true);
        watcher.start();

        long startNanos = System.nanoTime();
        try {
            Properties props = load(Path.of(args[0]));
            Object scramUser = props.remove(SCRAM_BOOTSTRAP_KEY);
            KafkaConfig config = KafkaConfig.fromProps(props, false);
            if (StorageFormat.formatIfNeeded(config, scramUser == null ? List.of() : List.of(scramUser.toString()), System.out)) {
                LOG.info("Formatted {}", config.logDirs());
            }
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            runningServer = server;
        } catch (Throwable e) {
            // Printed rather than logged: the parent reads this file, and there may be no SLF4J
            // provider on the classpath to write it.
            System.err.println("Kafka broker failed to start: " + e);
            e.printStackTrace(System.err);
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_START_FAILED);
        }
        LOG.info("Kafka broker started in {} ms", (System.nanoTime() - startNanos) / 1_000_000);
    }

    private static Properties load(Path file) throws IOException {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        }
        return props;
    }

    private static void watchParent() {
        try (BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = stdin.readLine()) != null) {
                if (STOP_COMMAND.equals(line.trim())) {
                    stopCleanly();
                }
            }
        } catch (IOException e) {
            // A broken pipe means the same as end-of-file: the parent is gone.
        }
        System.err.println("stdin closed without a stop request; halting the broker");
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_ORPHANED);
    }

    private static void stopCleanly() {
        KafkaRaftServer server = runningServer;
        if (server != null) {
            LOG.info("Stopping the Kafka broker");
            server.shutdown();
            server.awaitShutdown();
        }
        // halt, not exit: Kafka's non-daemon threads and hooks have nothing left to do.
        Runtime.getRuntime().halt(EXIT_STOPPED);
    }
}
