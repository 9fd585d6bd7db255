package dev.sagaline.localkafka.internals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The server configuration of a single-node KRaft broker bound to 127.0.0.1, tuned so that one
 * broker behaves like a cluster of one: every internal topic has replication factor 1.
 */
public final class ServerProperties {

    /** The host every listener binds to and advertises; nothing listens beyond this machine. */
    public static final String HOST = "127.0.0.1";

    /**
     * Keys derived from the ports and the log directory. Overriding them would make
     * {@code bootstrapServers()} lie or split the quorum from the broker, so they are refused.
     */
    public static final Set<String> MANAGED_KEYS = Set.of(
            "process.roles", "node.id", "listeners", "advertised.listeners",
            "listener.security.protocol.map", "controller.listener.names", "inter.broker.listener.name",
            "controller.quorum.voters", "controller.quorum.bootstrap.servers", "log.dirs", "log.dir");

    private static final int NODE_ID = 1;
    /** The controller fences a broker whose last heartbeat is older than this. */
    public static final String BROKER_SESSION_TIMEOUT_KEY = "broker.session.timeout.ms";
    /** {@value #BROKER_SESSION_TIMEOUT_KEY} unless overridden. */
    public static final int BROKER_SESSION_TIMEOUT_MS = 4_000;
    /** The node id of the controller when it runs in a process of its own. */
    private static final int CONTROLLER_NODE_ID = 2;

    private ServerProperties() {
    }

    /**
     * Builds the configuration; {@code overrides} win over every default but may not contain a
     * {@link #MANAGED_KEYS managed key}.
     */
    public static Properties of(int brokerPort, int controllerPort, Path logDir, Map<String, String> overrides) {
        return of(brokerPort, controllerPort, logDir, overrides, null);
    }

    /**
     * As above; with {@code security} (null for none) the client listener speaks SASL_SSL and ACLs
     * are enforced ({@link SecuredListeners}).
     */
    public static Properties of(int brokerPort, int controllerPort, Path logDir, Map<String, String> overrides,
                                BrokerSecurity security) {
        Properties props = new Properties();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", Integer.toString(NODE_ID));
        props.setProperty("listeners",
                "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        props.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.setProperty("controller.listener.names", "CONTROLLER");
        props.setProperty("inter.broker.listener.name", "PLAINTEXT");
        // A static voter set keeps the controller endpoint out of the log directory, so a kept
        // directory can be reopened later by a broker on other ports.
        props.setProperty("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.setProperty("log.dirs", logDir.toAbsolutePath().toString());

        props.setProperty("offsets.topic.replication.factor", "1");
        props.setProperty("transaction.state.log.replication.factor", "1");
        props.setProperty("transaction.state.log.min.isr", "1");
        props.setProperty("share.coordinator.state.topic.replication.factor", "1");
        props.setProperty("share.coordinator.state.topic.min.isr", "1");
        props.setProperty("default.replication.factor", "1");
        props.setProperty("min.insync.replicas", "1");
        // The default 50 partitions per coordinator topic cost seconds when the first group or
        // transactional producer appears; one partition is plenty on a single node.
        props.setProperty("offsets.topic.num.partitions", "1");
        props.setProperty("transaction.state.log.num.partitions", "1");
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        // After a hard kill the controller refuses the restarted broker until the dead one's
        // session expires: 9 s by default, 4 s here, still four missed heartbeats away from fencing.
        props.setProperty(BROKER_SESSION_TIMEOUT_KEY, Integer.toString(BROKER_SESSION_TIMEOUT_MS));
        props.setProperty("broker.heartbeat.interval.ms", "1000");
        props.setProperty("num.partitions", "1");
        // Tests create their topics explicitly; a typo in a topic name should fail, not invent a topic.
        props.setProperty("auto.create.topics.enable", "false");
        // The cleaner allocates this buffer on the heap at start-up; the default 128 MiB would take
        // a quarter of the child's small heap.
        props.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        if (security != null) {
            SecuredListeners.apply(props, brokerPort, controllerPort, security);
        }

        overrides.forEach((key, value) -> {
            if (MANAGED_KEYS.contains(key)) {
                throw new IllegalArgumentException("server property '" + key
                        + "' is managed by LocalKafkaBroker (use port(), controllerPort() or logDir() instead)");
            }
            props.setProperty(key, value);
        });
        return props;
    }

    /**
     * The configuration of the broker half of a node whose controller runs in a process of its
     * own ({@link #controllerOnly}): the combined configuration with the controller role, its
     * listener and its quorum vote taken away.
     */
    public static Properties brokerOnly(int brokerPort, int controllerPort, Path logDir, Map<String, String> overrides) {
        Properties props = of(brokerPort, controllerPort, logDir, overrides);
        props.setProperty("process.roles", "broker");
        props.setProperty("listeners", props.getProperty("advertised.listeners"));
        props.setProperty("controller.quorum.voters", CONTROLLER_NODE_ID + "@" + HOST + ":" + controllerPort);
        return props;
    }

    /**
     * The configuration of a controller in a process of its own, the only voter of the quorum. It
     * keeps the broker session timeout and the feature defaults of the combined node: those are
     * the controller's to apply.
     */
    public static Properties controllerOnly(int brokerPort, int controllerPort, Path logDir, Map<String, String> overrides) {
        Properties props = of(brokerPort, controllerPort, logDir, overrides);
        props.setProperty("process.roles", "controller");
        props.setProperty("node.id", Integer.toString(CONTROLLER_NODE_ID));
        props.setProperty("listeners", "CONTROLLER://" + HOST + ":" + controllerPort);
        props.remove("advertised.listeners");
        props.remove("inter.broker.listener.name");
        props.setProperty("controller.quorum.voters", CONTROLLER_NODE_ID + "@" + HOST + ":" + controllerPort);
        return props;
    }

    /** Writes {@code props} to {@code file} in the format {@code BrokerProcess} reads back. */
    public static void write(Properties props, Path file) {
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(writer, "Written by LocalKafkaBroker; regenerated on every start");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
