package dev.sagaline.localkafka;

import dev.sagaline.localkafka.internals.AccessControl;
import dev.sagaline.localkafka.internals.BrokerSecurity;
import dev.sagaline.localkafka.internals.ClientSettings;
import dev.sagaline.localkafka.internals.ClusterSettings;
import dev.sagaline.localkafka.internals.LocalCluster;
import dev.sagaline.localkafka.internals.Passwords;
import dev.sagaline.localkafka.internals.ServerProperties;
import dev.sagaline.topics.TopicSetup;
import dev.sagaline.topics.TopicSetupException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.config.types.Password;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) running in a
 * child JVM on 127.0.0.1, for tests, the demo and the benchmark. Being a separate process, it can
 * be {@linkplain #killHard() killed} like a crashed server and {@linkplain #restart() restarted}
 * on the same log directory and ports.
 *
 * <p>The child needs nothing but this JVM's classpath: no Docker, no download. It dies with this
 * JVM even on {@code kill -9}, because it halts when its stdin reaches end-of-file.
 *
 * <pre>{@code
 * try (LocalKafkaBroker kafka = LocalKafkaBroker.builder().build().start()) {
 *     kafka.createTopics(Map.of("orders", 3));
 *     Map<String, Object> config = kafka.clientConfig();
 *     // add serializers and create producers and consumers from config
 * }
 * }</pre>
 *
 * <p>A {@linkplain Builder#secured() secured} broker speaks only SASL_SSL with SCRAM-SHA-512 and
 * enforces ACLs, with a certificate authority, keystores and a super user made up at start-up
 * (nothing to commit, nothing to download): {@link #clientConfig()} then logs in as the super
 * user, {@link #createUser} adds users and {@link #createAcls} grants them what they need.
 *
 * <p>Thread-safe: lifecycle methods are serialised on the instance.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    /** How long {@link #start()} waits for the broker to answer unless the builder says otherwise. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    /** How long {@link #createTopics} waits for every new partition to get a leader. */
    public static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(30);

    /** The super user of a {@linkplain Builder#secured() secured} broker, whom ACLs do not restrict. */
    public static final String SUPER_USER = "local-kafka-admin";

    private static final Duration ACCESS_TIMEOUT = Duration.ofSeconds(30);

    private final LocalCluster cluster;

    private LocalKafkaBroker(ClusterSettings settings) {
        this.cluster = new LocalCluster(settings, SUPER_USER);
    }

    /** A builder whose defaults give a fresh temporary broker on free ports. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the broker and returns once it answers Admin requests. Ports chosen here (when the
     * builder asked for port 0) stay fixed for the life of this instance, across {@link #restart()}.
     *
     * @throws LocalKafkaException if a requested port is taken, or the broker exits or stays silent
     *     for the start-up timeout; the message carries the exit code and the broker's last log
     *     lines. The instance is then closed.
     * @throws IllegalStateException if already started or closed
     */
    public synchronized LocalKafkaBroker start() {
        cluster.start();
        return this;
    }

    /**
     * Starts the broker again on the same log directory and ports, after {@link #killHard()} or
     * {@link #stop()}; a running broker is stopped cleanly first. Committed data survives. After a
     * hard kill this takes about 4 s longer than a first start: the controller admits the new
     * broker process only once the killed one's session ({@code broker.session.timeout.ms}) expires.
     */
    public synchronized LocalKafkaBroker restart() {
        cluster.restart();
        return this;
    }

    /** Shuts the broker (and a separate controller) down cleanly, killing each after 10 s, keeping the data for {@link #restart()}. */
    public synchronized void stop() {
        cluster.stop();
    }

    /**
     * Kills the broker process with SIGKILL, as a crash or power cut would: nothing is flushed and
     * no clean-shutdown marker is written. Returns once the process is gone. A
     * {@linkplain Builder#separateController separate controller} keeps running, as the
     * controllers of a production cluster do when a broker dies.
     */
    public synchronized void killHard() {
        cluster.killHard();
    }

    /** True between a successful start or restart and the next stop, kill or close, while the process lives. */
    public synchronized boolean isRunning() {
        return cluster.isRunning();
    }

    /** {@code 127.0.0.1:port}, for the {@code bootstrap.servers} client setting. */
    public synchronized String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** The broker's client port. */
    public synchronized int port() {
        return cluster.port();
    }

    /** Where the broker keeps its data; deleted on {@link #close()} unless the builder said {@code keepLogDir(true)}. */
    public synchronized Path logDir() {
        return cluster.logDir();
    }

    /** The last lines the broker process wrote (its log and any crash report), oldest first. */
    public synchronized List<String> lastLogLines() {
        return cluster.lastLogLines();
    }

    /**
     * A new mutable map holding the settings every client needs to reach this broker; add
     * serializers, group ids and so on before passing it to a producer, consumer or Admin.
     */
    public Map<String, Object> clientConfig() {
        return ClientSettings.of(bootstrapServers(), currentSecurity());
    }

    /**
     * The settings a client of a {@linkplain Builder#secured() secured} broker needs to log in as
     * {@code user}: SASL_SSL, SCRAM-SHA-512, the JAAS line (a {@link Password}, hidden when a
     * client logs its configuration) and the truststore holding this broker's CA.
     *
     * @throws IllegalStateException when the broker is not secured
     */
    public Map<String, Object> clientConfig(String user, String password) {
        BrokerSecurity current = currentSecurity();
        if (current == null) {
            throw new IllegalStateException("broker is not secured: build it with secured() to log in as a user");
        }
        return ClientSettings.login(bootstrapServers(), current, user, password);
    }

    /** True when the broker was built {@linkplain Builder#secured() secured}. */
    public boolean isSecured() {
        return cluster.isSecured();
    }

    /**
     * Creates (or gives a new password to) a SCRAM-SHA-512 user of a secured broker and returns
     * once a client can log in as it. A new user may do nothing until {@link #createAcls} allows it.
     */
    public void createUser(String user, String password) {
        AccessControl.upsertUser(clientConfig(), clientConfig(user, password), user, password, ACCESS_TIMEOUT);
    }

    /** As {@link #createUser(String, String)} with a new random password, which is returned. */
    public String createUser(String user) {
        String password = Passwords.random();
        createUser(user, password);
        return password;
    }

    /** Creates ACLs on a secured broker and returns once the broker enforces every one of them. */
    public void createAcls(Collection<AclBinding> acls) {
        if (currentSecurity() == null) {
            throw new IllegalStateException("broker is not secured: build it with secured() to enforce ACLs");
        }
        AccessControl.createAcls(clientConfig(), acls, ACCESS_TIMEOUT);
    }

    /**
     * Creates topics with replication factor 1, given as name to partition count, and waits until
     * each of their partitions has a leader ready for writes.
     */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        createTopics(partitionsByTopic.entrySet().stream()
                .map(entry -> new NewTopic(entry.getKey(), entry.getValue(), (short) 1))
                .toArray(NewTopic[]::new));
    }

    /**
     * Creates topics (use replication factor 1; this cluster has one node) and waits until each of
     * their partitions has a leader ready for writes.
     *
     * @throws LocalKafkaException if creation fails, for example because a topic exists, or the
     *     leaders do not appear within {@link #TOPIC_READY_TIMEOUT}
     */
    public void createTopics(NewTopic... topics) {
        try (Admin admin = Admin.create(clientConfig())) {
            TopicSetup.create(admin, List.of(topics), TOPIC_READY_TIMEOUT);
        } catch (TopicSetupException e) {
            throw new LocalKafkaException(e.getMessage(), e.getCause() == null ? e : e.getCause());
        }
    }

    /** Waits until every partition of {@code topics} has a leader ready for writes; see {@link TopicSetup#awaitReady}. */
    public void awaitLeaders(Collection<String> topics, Duration timeout) {
        try (Admin admin = Admin.create(clientConfig())) {
            TopicSetup.awaitReady(admin, new ArrayList<>(topics), timeout);
        } catch (TopicSetupException e) {
            throw new LocalKafkaException(e.getMessage(), e);
        }
    }

    /**
     * Stops the broker cleanly (killing it after 10 s) and deletes the directories it created; a
     * log directory given to the builder with {@code keepLogDir(true)} is left in place. Idempotent.
     */
    @Override
    public synchronized void close() {
        cluster.close();
    }

    @Override
    public String toString() {
        synchronized (this) {
            return cluster.toString();
        }
    }

    private synchronized BrokerSecurity currentSecurity() {
        return cluster.security();
    }

    /**
     * Configures a {@link LocalKafkaBroker}. Every setting is optional; {@code build()} does not
     * touch the network or the disk, {@link LocalKafkaBroker#start()} does.
     */
    public static final class Builder {

        private Path logDir;
        private boolean keepLogDir;
        private int port;
        private int controllerPort;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private final Map<String, String> serverProperties = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private boolean secured;
        private boolean separateController;

        private Builder() {
        }

        /**
         * Runs the KRaft controller in a JVM of its own instead of in the broker's (as production
         * clusters do), so that {@link LocalKafkaBroker#killHard()} kills the broker alone and
         * {@link LocalKafkaBroker#restart()} brings it back to a controller that saw it die. A
         * combined node killed right after a transaction commit can lose that transaction's
         * markers after its restart and leave the partitions' last stable offset stuck; see the
         * README's reliability section. Its data goes beside the log directory, in
         * {@code <logDir>-controller}. Off by default: it costs a second JVM.
         */
        public Builder separateController(boolean separateController) {
            this.separateController = separateController;
            return this;
        }

        /** The broker's data directory, created if absent; by default a fresh temporary directory. */
        public Builder logDir(Path logDir) {
            this.logDir = Objects.requireNonNull(logDir, "logDir");
            return this;
        }

        /** Keep the log directory on {@link LocalKafkaBroker#close()}, e.g. to reopen it with another broker. */
        public Builder keepLogDir(boolean keepLogDir) {
            this.keepLogDir = keepLogDir;
            return this;
        }

        /** The client port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = checkPort(port, "port");
            return this;
        }

        /** The KRaft controller port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = checkPort(controllerPort, "controllerPort");
            return this;
        }

        /** How long {@link LocalKafkaBroker#start()} and {@code restart()} wait; 60 s by default. */
        public Builder startupTimeout(Duration startupTimeout) {
            if (startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive but was " + startupTimeout);
            }
            this.startupTimeout = startupTimeout;
            return this;
        }

        /**
         * Any Kafka broker setting, overriding this class's defaults. Listener, quorum, node id and
         * log directory settings are derived from the ports and {@link #logDir} and are refused.
         */
        public Builder serverProperty(String key, String value) {
            if (ServerProperties.MANAGED_KEYS.contains(key)) {
                throw new IllegalArgumentException("server property '" + key
                        + "' is managed by LocalKafkaBroker (use port(), controllerPort() or logDir() instead)");
            }
            serverProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Secures the broker: SASL_SSL with SCRAM-SHA-512 on the client port, TLS with a CA made
         * up at start-up, and ACLs enforced by KRaft's {@code StandardAuthorizer} (nothing is
         * allowed that no ACL allows, except to {@link #SUPER_USER}). Start-up takes seconds longer:
         * two {@code keytool} runs make the keys, and every connection shakes hands twice (TLS, then
         * SCRAM). A log directory kept from a secured broker can be
         * reopened only by {@link LocalKafkaBroker#restart()} of the same instance, which keeps the
         * super user's password.
         */
        public Builder secured() {
            this.secured = true;
            return this;
        }

        /**
         * An extra option for the broker's JVM, placed after the defaults ({@code -Xmx512m
         * -XX:+UseSerialGC -XX:TieredStopAtLevel=1}) so that, for example, {@code -Xmx2g} or
         * {@code -XX:TieredStopAtLevel=4} for a benchmark replaces them.
         */
        public Builder jvmOption(String option) {
            jvmOptions.add(Objects.requireNonNull(option, "option"));
            return this;
        }

        public LocalKafkaBroker build() {
            if (port != 0 && port == controllerPort) {
                throw new IllegalArgumentException("port and controllerPort must differ but both are " + port);
            }
            return new LocalKafkaBroker(new ClusterSettings(logDir, keepLogDir, port, controllerPort, startupTimeout, serverProperties,
                    jvmOptions, secured, separateController));
        }

        private static int checkPort(int port, String name) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException(name + " must be between 0 and 65535 but was " + port);
            }
            return port;
        }
    }
}
