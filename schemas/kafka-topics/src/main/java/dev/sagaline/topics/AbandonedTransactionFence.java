package dev.sagaline.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.FenceProducersOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.config.ConfigDef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends at once the open transactions that killed instances of a Kafka Streams application left
 * behind, so the instance that takes their tasks over does not wait for them to time out.
 *
 * <p>Under {@code exactly_once_v2} each stream thread has a transactional id of its own process,
 * {@code <application.id>-<process id>-<thread index>}, so nothing but that process restarted
 * fences a killed one's producer. Its open transaction holds every {@code read_committed} reader of
 * the partitions it wrote, the restore of the changelogs and the next owner's input among them,
 * for {@code transaction.timeout.ms} (10 s under exactly-once) and up to one abort scan of the
 * broker (10 s by default). When this instance's group rebalances, which is how it learns that a
 * member is gone, it lists the application's transactions that have been open for at least the
 * group's session timeout, then the group's members, and fences ({@link Admin#fenceProducers})
 * those transactional ids whose process is neither a member nor this process: the epoch bump
 * aborts the transaction and writes its abort markers at once. Transactions are read before
 * members, so a transaction of an instance that joins in between is never taken for a dead one's.
 * The age bound spares a live instance that the group dropped for a moment (a heartbeat late on a
 * busy machine) while its stream thread still commits every {@code commit.interval.ms}: a dead
 * instance's last transaction is at least a session timeout old by the time the group drops it.
 * It also fences this process's own transactions that have been open since before this instance
 * was created: Kafka Streams keeps the process id in the state directory, so an instance killed
 * and started again is in the group under the same process id, and its earlier run's transaction
 * would otherwise wait for a thread of the new run to initialise the same id, which one that gets
 * no active task, or that the new run does not have, never does.
 *
 * <p>It follows the instance's state ({@link #onStreamsState}): it looks when a rebalance
 * starts, and every second while it lasts (the new owner restores its tasks then) and for a
 * session timeout after it ends, so that a transaction too young at the takeover is fenced once it
 * is old enough; a healthy group that does not rebalance costs no request.
 * Admin calls run on a thread of its own, never on a stream thread. It does nothing when
 * {@code client.id} is set: the members' client ids then do not say which process they are, and
 * a live instance's transaction must never be fenced. It needs DESCRIBE on the group and WRITE on
 * the transactional ids ({@code <application.id>-} prefixed), which READ on the group and WRITE
 * on the transactional ids that Kafka Streams needs anyway imply.
 */
public final class AbandonedTransactionFence implements AutoCloseable {

    /** The key, in both the orchestrator's and the participant's configuration. */
    public static final String CONFIG = "sagaline.fence.abandoned.transactions";

    /** Documentation of {@link #CONFIG}, shared by both configurations. */
    public static final String DOC = "When the group rebalances, fence (Admin.fenceProducers) the exactly-once transactions"
            + " that instances of this application no longer in the group have held open for session.timeout.ms or longer, so"
            + " the instance that takes their tasks over moves on at once instead of after transaction.timeout.ms plus the"
            + " broker's abort scan; and those that an earlier run of this very process (same state directory, so same process"
            + " id) left open. Off when client.id is set.";

    private static final Logger log = LoggerFactory.getLogger(AbandonedTransactionFence.class);
    private static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final int ADMIN_TIMEOUT_MS = 5_000;
    /** The consumer's own default. */
    private static final long DEFAULT_SESSION_TIMEOUT_MS = 45_000;
    private static final Set<String> STOPPED = Set.of("PENDING_SHUTDOWN", "NOT_RUNNING", "PENDING_ERROR", "ERROR");

    private final String applicationId;
    private final AbandonedTransactions transactions;
    private final Admin admin;
    private final Supplier<Collection<String>> ownClientIds;
    private final ScheduledExecutorService thread;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final long minimumAgeMs;
    private final long createdAtNanos = System.nanoTime();
    private ScheduledFuture<?> looking;
    private ScheduledFuture<?> stopLater;

    private AbandonedTransactionFence(String applicationId, Map<String, Object> adminSettings, long minimumAgeMs,
                                      Supplier<Collection<String>> ownClientIds) {
        this.applicationId = applicationId;
        this.minimumAgeMs = minimumAgeMs;
        this.transactions = new AbandonedTransactions(applicationId);
        this.ownClientIds = ownClientIds;
        this.admin = Admin.create(adminSettings);
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, applicationId + "-abandoned-transaction-fence");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Declares {@value #CONFIG} in {@code definition}, on by default, so the orchestrator and the
     * participants declare it alike.
     *
     * @return {@code definition}, for chaining
     */
    public static ConfigDef define(ConfigDef definition) {
        return definition.define(CONFIG, ConfigDef.Type.BOOLEAN, true, ConfigDef.Importance.LOW, DOC);
    }

    /**
     * A fence for the Kafka Streams application configured by {@code streamsProperties}, with its
     * Admin client made of their client settings; {@code ownClientIds} gives this process's stream
     * threads' consumer client ids (Kafka Streams' {@code metadataForLocalThreads()}). Empty when
     * {@code enabled} is false, the application is not exactly-once or {@code client.id} is set.
     */
    public static Optional<AbandonedTransactionFence> forStreams(boolean enabled, Map<?, ?> streamsProperties,
                                                                          Supplier<Collection<String>> ownClientIds) {
        String applicationId = String.valueOf(streamsProperties.get("application.id"));
        if (!enabled || !"exactly_once_v2".equals(String.valueOf(streamsProperties.get("processing.guarantee")))) {
            return Optional.empty();
        }
        if (streamsProperties.containsKey(AdminClientConfig.CLIENT_ID_CONFIG)) {
            log.info("{}: client.id is set, so its members' client ids do not name their processes; the open transactions of"
                    + " killed instances are left to time out (transaction.timeout.ms)", applicationId);
            return Optional.empty();
        }
        if ("streams".equalsIgnoreCase(String.valueOf(streamsProperties.get("group.protocol")))) {
            // A streams group is not a consumer group: its members cannot be listed the way this fence reads them.
            log.info("{}: group.protocol=streams; the open transactions of killed instances are left to time out (transaction.timeout.ms)",
                    applicationId);
            return Optional.empty();
        }
        return Optional.of(new AbandonedTransactionFence(applicationId, adminSettings(applicationId, streamsProperties),
                sessionTimeoutMs(streamsProperties), ownClientIds));
    }

    /** The main consumer's {@code session.timeout.ms}, most specific prefix first, as Kafka Streams reads it. */
    private static long sessionTimeoutMs(Map<?, ?> streamsProperties) {
        for (String key : List.of("main.consumer.session.timeout.ms", "consumer.session.timeout.ms", "session.timeout.ms")) {
            Object value = streamsProperties.get(key);
            if (value != null) {
                return Long.parseLong(value.toString().trim());
            }
        }
        return DEFAULT_SESSION_TIMEOUT_MS;
    }

    /** The Admin settings among {@code streamsProperties}, {@code admin.}-prefixed ones winning, as Kafka Streams reads them. */
    private static Map<String, Object> adminSettings(String applicationId, Map<?, ?> streamsProperties) {
        Set<String> known = AdminClientConfig.configNames();
        Map<String, Object> settings = new HashMap<>();
        streamsProperties.forEach((key, value) -> {
            if (known.contains(String.valueOf(key))) {
                settings.putIfAbsent(String.valueOf(key), value);
            }
        });
        streamsProperties.forEach((key, value) -> {
            String name = String.valueOf(key);
            if (name.startsWith("admin.") && known.contains(name.substring("admin.".length()))) {
                settings.put(name.substring("admin.".length()), value);
            }
        });
        settings.put(AdminClientConfig.CLIENT_ID_CONFIG, applicationId + "-abandoned-transaction-fence");
        return settings;
    }

    /**
     * Follows the Kafka Streams instance's state, by the name of its {@code KafkaStreams.State}:
     * {@code REBALANCING} starts the looks, any other state ends them a session timeout later, and
     * {@code PENDING_SHUTDOWN}, {@code NOT_RUNNING}, {@code PENDING_ERROR} or {@code ERROR} closes
     * this fence. Called from the state listener, on a stream thread: it only schedules.
     */
    public synchronized void onStreamsState(String state) {
        if (thread.isShutdown()) {
            return;
        }
        if (state.equals("REBALANCING")) {
            if (stopLater != null) {
                stopLater.cancel(false);
                stopLater = null;
            }
            if (looking == null) {
                looking = thread.scheduleWithFixedDelay(this::fenceAbandoned, 0, CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            }
        } else if (STOPPED.contains(state)) {
            // A delayed task still runs after shutdown(), so the pending end of the looks would hold
            // close() for up to a session timeout while the stream threads go on processing.
            stopLooking();
            thread.execute(() -> admin.close(Duration.ofSeconds(5)));
            thread.shutdown();
        } else if (looking != null && stopLater == null) {
            stopLater = thread.schedule(this::stopLooking, minimumAgeMs + CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void stopLooking() {
        if (looking != null) {
            looking.cancel(false);
            looking = null;
        }
        if (stopLater != null) {
            stopLater.cancel(false);
            stopLater = null;
        }
    }

    /**
     * One look: fence this process's earlier run's transactions, and those open for a session
     * timeout or longer of processes that are not in the group.
     */
    void fenceAbandoned() {
        try {
            Collection<String> own = ownClientIds.get();
            // Open for as long as this instance has existed, so begun before it was created: none
            // of its own threads' (they begin their first transaction after the first rebalance).
            List<String> toFence = new ArrayList<>(own.isEmpty() ? List.of()
                    : transactions.ofEarlierRun(open(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - createdAtNanos)), own));
            List<String> ongoing = open(minimumAgeMs);
            if (!ongoing.isEmpty()) {
                List<String> members = admin.describeConsumerGroups(List.of(applicationId), new DescribeConsumerGroupsOptions().timeoutMs(ADMIN_TIMEOUT_MS))
                        .describedGroups().get(applicationId).get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                        .members().stream().map(MemberDescription::clientId).toList();
                AbandonedTransactions.Verdict verdict = transactions.judge(ongoing, members, own);
                log.debug("{}: open transactions {}, members {}: fence {}", applicationId, ongoing, members, verdict.toFence());
                verdict.undecidable().ifPresent(why -> reportOnce("undecidable", "open transactions " + ongoing + " are left to time out: " + why));
                verdict.toFence().stream().filter(id -> !toFence.contains(id)).forEach(toFence::add);
            }
            if (!toFence.isEmpty() && !thread.isShutdown()) { // nothing is fenced once closed
                admin.fenceProducers(toFence, new FenceProducersOptions().timeoutMs(ADMIN_TIMEOUT_MS))
                        .all().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                log.info("{}: fenced the open transactions {} of instances no longer running", applicationId, toFence);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // The next look (every second while the rebalance lasts) tries again; without one, the
            // transaction still times out as it would have without this fence.
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            reportOnce(cause.getClass().getName(), "could not look for or fence abandoned transactions: " + cause);
        }
    }

    /** The ongoing transactions of this application's stream threads open for {@code atLeastMs} or longer. */
    private List<String> open(long atLeastMs) throws InterruptedException, ExecutionException, TimeoutException {
        return admin.listTransactions(new ListTransactionsOptions()
                        .filterStates(EnumSet.of(TransactionState.ONGOING)).filterOnDuration(atLeastMs).timeoutMs(ADMIN_TIMEOUT_MS))
                .all().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS).stream()
                .map(TransactionListing::transactionalId)
                .filter(id -> transactions.processIdOfTransaction(id).isPresent())
                .toList();
    }

    /** Warns the first time a kind of problem shows, then only at debug level: a look repeats every second. */
    private void reportOnce(String kind, String problem) {
        if (reported.add(kind)) {
            log.warn("{}: {}", applicationId, problem);
        } else {
            log.debug("{}: {}", applicationId, problem);
        }
    }

    /** Stops looking and closes the Admin client, as a stopped Kafka Streams state does, and waits for a look under way. */
    @Override
    public void close() {
        onStreamsState("NOT_RUNNING");
        try {
            thread.awaitTermination(3L * ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
