package dev.sagaline.app.bench;

import dev.sagaline.demo.Order;
import dev.sagaline.localpostgres.LocalPostgres;
import dev.sagaline.participant.Participant;
import dev.sagaline.topics.TopicSetup;
import dev.sagaline.participant.ParticipantHandlers;
import dev.sagaline.participant.StepContext;
import dev.sagaline.participant.StepResult;
import dev.sagaline.participant.TccHandler;
import dev.sagaline.participant.outbox.ActionResult;
import dev.sagaline.participant.outbox.CdcRelay;
import dev.sagaline.participant.outbox.DatabaseAddress;
import dev.sagaline.participant.outbox.Inbox;
import dev.sagaline.participant.outbox.Outbox;
import dev.sagaline.participant.outbox.OutboxMessage;
import dev.sagaline.participant.outbox.OutboxReplies;
import dev.sagaline.participant.outbox.OutboxSchema;
import dev.sagaline.participant.outbox.RetryScheduler;
import dev.sagaline.participant.outbox.TransactionLog;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * {@code bench --patterns}: one saga step carried out five ways on the same broker and machine, as
 * the article compares them: (1) a Kafka-transactional participant, (2) an idempotent plain
 * consumer, (3) TCC (TRY then CONFIRM), (4) a transactional outbox relayed by CDC, (5) a
 * transaction log with a scheduled retry. A driver sends step commands and times each step from
 * its first command to its last reply: a burst for throughput, then a fixed rate for latency.
 */
public final class PatternBench {

    /** One pattern's measured figures. */
    public record Figures(String pattern, String guarantee, double stepsPerSecond, double p50Ms, double p99Ms) {
    }

    private static final Duration PATIENCE = Duration.ofMinutes(2);
    static final int WARM_UP_STEPS = 500;

    private final String bootstrapServers;
    private final LocalPostgres postgres;
    private final PrintStream out;
    private final int burst;
    private final double rate;
    private final int paced;
    private final Path stateDir;
    private final String runId = UUID.randomUUID().toString().substring(0, 6);
    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.scoped("sagaline-patterns-" + runId);
    private final ProtocolSerdes serdes = new ProtocolSerdes(registry);
    private final Payloads payloads = Payloads.withRegistry(registry);
    private final OutboxReplies replies = new OutboxReplies(serdes, Clock.systemUTC());

    /**
     * @param burst steps sent at once for the throughput figure
     * @param rate steps per second for the latency figure
     * @param paced steps sent at that rate
     */
    public PatternBench(String bootstrapServers, LocalPostgres postgres, Path stateDir, PrintStream out, int burst,
                        double rate, int paced) {
        this.bootstrapServers = bootstrapServers;
        this.postgres = postgres;
        this.stateDir = stateDir;
        this.out = out;
        this.burst = burst;
        this.rate = rate;
        this.paced = paced;
    }

    /** Runs the five patterns one after another and returns their figures in the article's order. */
    public List<Figures> run() throws Exception {
        List<Figures> figures = new ArrayList<>();
        figures.add(measure(1, "Kafka transactions in a participant", "exactly once: the reply, the participant's memory "
                + "and the consumed offset commit in one Kafka transaction", List.of(StepAction.DO), this::transactional));
        figures.add(measure(2, "idempotent consumer with retries", "at least once: duplicates are dropped by command id "
                + "in the consumer's process memory, so after a crash a redelivered command is done and answered again", List.of(StepAction.DO), this::idempotent));
        figures.add(measure(3, "TCC (TRY, then CONFIRM)", "exactly once per action, as (1); the reservation is "
                + "confirmed or cancelled, never both", List.of(StepAction.TRY, StepAction.CONFIRM), this::tcc));
        figures.add(measure(4, "outbox + CDC (Debezium)", "the work, the inbox entry and the reply commit in one database "
                + "transaction; the reply is relayed at least once and deduplicated by command id",
                List.of(StepAction.DO), this::outboxCdc));
        figures.add(measure(5, "transaction log + scheduled retry", "the action is recorded with the work in one database "
                + "transaction and retried with backoff until done, at least once; failures are parked for an operator",
                List.of(StepAction.DO), this::transactionLog));
        return figures;
    }

    /** Starts one pattern's service on its command topic; closing stops it. */
    @FunctionalInterface
    private interface Service {
        AutoCloseable start(String commandTopic) throws Exception;
    }

    private Figures measure(int number, String pattern, String guarantee, List<StepAction> actions, Service service)
            throws Exception {
        out.printf("pattern %d/5: %s%n", number, pattern);
        String commands = "bench.patterns." + runId + "." + number + ".commands";
        String replies = "bench.patterns." + runId + "." + number + ".replies";
        createTopics(commands, replies);
        try (AutoCloseable running = service.start(commands); Driver driver = new Driver(commands, replies, actions)) {
            driver.warmUp();
            double throughput = driver.burst(burst);
            Histogram latency = driver.paced(paced, rate);
            Figures figures = new Figures(pattern, guarantee, throughput, latency.getValueAtPercentile(50) / 1000.0,
                    latency.getValueAtPercentile(99) / 1000.0);
            out.printf("  %.0f steps/s; p50 %.1f ms, p99 %.1f ms at %.0f steps/s%n", figures.stepsPerSecond(), figures.p50Ms(),
                    figures.p99Ms(), rate);
            return figures;
        }
    }

    // ---- the five services ---------------------------------------------------------------

    private AutoCloseable transactional(String commandTopic) throws InterruptedException {
        return startParticipant(participant("transactional", commandTopic)
                .onDo("step", Order.class, (order, context) -> StepResult.succeeded()).build());
    }

    private AutoCloseable tcc(String commandTopic) throws InterruptedException {
        return startParticipant(participant("tcc", commandTopic).onTcc("step", Order.class, new TccHandler<>() {
            @Override
            public StepResult tryStep(Order order, StepContext context) {
                return StepResult.succeeded();
            }

            @Override
            public StepResult confirm(Order order, StepContext context) {
                return StepResult.succeeded();
            }

            @Override
            public StepResult cancel(Order order, StepContext context) {
                return StepResult.succeeded();
            }
        }).build());
    }

    private AutoCloseable idempotent(String commandTopic) {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        KafkaProducer<String, byte[]> producer = idempotentProducer();
        PlainConsumer consumer = new PlainConsumer(commandTopic, "idempotent", batch -> {
            for (StepCommand command : batch) {
                if (seen.add(command.getCommandId())) {
                    producer.send(reply(command));
                }
            }
            // Offsets are committed after the replies are acknowledged: a crash in between redelivers.
            producer.flush();
        });
        return () -> {
            consumer.close();
            producer.close();
        };
    }

    private AutoCloseable outboxCdc(String commandTopic) throws Exception {
        DataSource database = postgres.createDatabase("bench_outbox");
        ConnectionPool db = new ConnectionPool(database, 4);
        OutboxSchema.defaults().create(db);
        Clock clock = Clock.systemUTC();
        Inbox inbox = new Inbox(Inbox.DEFAULT_TABLE, payloads, replies, clock);
        inbox.create(db);
        Outbox outbox = new Outbox(OutboxSchema.defaults());
        ParticipantHandlers handlers = ParticipantHandlers.builder()
                .onDo("step", Order.class, (order, context) -> StepResult.succeeded()).build();
        CdcRelay relay = CdcRelay.builder().dataSource(db)
                .database(new DatabaseAddress("127.0.0.1", postgres.port(), LocalPostgres.databaseName(database),
                        LocalPostgres.USER, ""))
                .producerConfig(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))
                .name("bench-patterns-" + runId).slotName("bench_patterns_" + runId).publicationName("bench_patterns_" + runId)
                .offsetFlushInterval(Duration.ofSeconds(1))
                .build().start();
        if (!relay.awaitStreaming(Duration.ofMinutes(1))) {
            throw new IllegalStateException("the CDC relay did not start streaming within a minute");
        }
        PlainConsumer consumer = new PlainConsumer(commandTopic, "outbox", batch -> {
            try (Connection tx = db.getConnection()) {
                tx.setAutoCommit(false);
                for (StepCommand command : batch) {
                    inbox.handle(tx, command, handlers, outbox);
                }
                tx.commit();
            }
        });
        return () -> {
            consumer.close();
            relay.close();
            db.close();
        };
    }

    private AutoCloseable transactionLog(String commandTopic) throws Exception {
        ConnectionPool db = new ConnectionPool(postgres.createDatabase("bench_transaction_log"), 4);
        OutboxSchema.defaults().create(db);
        TransactionLog log = new TransactionLog(db, OutboxSchema.defaults(), Clock.systemUTC());
        KafkaProducer<String, byte[]> producer = idempotentProducer();
        RetryScheduler scheduler = RetryScheduler.builder()
                .transactionLog(log)
                .pollInterval(Duration.ofMillis(10))
                .action(entry -> {
                    StepCommand command = serdes.commands().deserialize(commandTopic, entry.payload());
                    producer.send(reply(command)).get();
                    return ActionResult.done();
                })
                .build()
                .start();
        PlainConsumer consumer = new PlainConsumer(commandTopic, "transaction-log", batch -> {
            try (Connection tx = db.getConnection()) {
                tx.setAutoCommit(false);
                for (StepCommand command : batch) {
                    // The entry id is the command id: a redelivered command fails the insert and is skipped.
                    log.record(tx, command.getCommandId(), "reply", serdes.commands().serialize(commandTopic, command));
                }
                tx.commit();
            }
        });
        return () -> {
            consumer.close();
            scheduler.close();
            producer.close();
            db.close();
        };
    }

    // ---- plumbing ------------------------------------------------------------------------

    private Participant.Builder participant(String name, String commandTopic) {
        return Participant.builder()
                .applicationId("bench-patterns-" + runId + "-" + name)
                .bootstrapServers(bootstrapServers)
                .commandTopic(commandTopic)
                .schemaRegistry(registry)
                .property(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString())
                .property(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    }

    private static AutoCloseable startParticipant(Participant participant) throws InterruptedException {
        participant.start();
        try {
            participant.awaitRunning(Duration.ofMinutes(2));
        } catch (RuntimeException e) {
            participant.close();
            throw e;
        }
        return participant;
    }

    /** A SUCCEEDED reply to {@code command}, as a record for its reply topic. */
    private ProducerRecord<String, byte[]> reply(StepCommand command) {
        OutboxMessage reply = replies.reply(command, StepResult.succeeded());
        return new ProducerRecord<>(reply.topic(), reply.key(), reply.value());
    }

    private KafkaProducer<String, byte[]> idempotentProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 1), new StringSerializer(), new ByteArraySerializer());
    }

    private void createTopics(String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String topic : topics) {
                newTopics.add(new NewTopic(topic, 2, (short) 1));
            }
            TopicSetup.create(admin, newTopics, Duration.ofSeconds(30));
        }
    }

    /** A batch handler for a {@link PlainConsumer}. */
    @FunctionalInterface
    private interface Batch {
        void handle(List<StepCommand> commands) throws Exception;
    }

    /** A plain consumer on its own thread: handles each polled batch, then commits its offsets. */
    private final class PlainConsumer implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;
        private final Thread thread;
        private volatile boolean stopped;

        PlainConsumer(String topic, String name, Batch batch) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.GROUP_ID_CONFIG, "bench-patterns-" + runId + "-" + name,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new StringDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(topic));
            thread = new Thread(() -> {
                try {
                    while (!stopped) {
                        List<StepCommand> commands = new ArrayList<>();
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                            commands.add(serdes.commands().deserialize(topic, record.value()));
                        }
                        if (!commands.isEmpty()) {
                            batch.handle(commands);
                            consumer.commitSync();
                        }
                    }
                } catch (WakeupException e) {
                    // Closing.
                } catch (Exception e) {
                    out.println("  the " + name + " consumer failed: " + e);
                } finally {
                    consumer.close(Duration.ofSeconds(5));
                }
            }, "bench-patterns-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stopped = true;
            consumer.wakeup();
            thread.join(10_000);
        }
    }

    /**
     * Sends steps and times them: a step's first command goes out, each reply triggers the next
     * action's command, and the last reply ends the step.
     */
    private final class Driver implements AutoCloseable {

        private final String commandTopic;
        private final String replyTopic;
        private final List<StepAction> actions;
        private final KafkaProducer<String, byte[]> producer = idempotentProducer();
        private final KafkaConsumer<String, byte[]> replies;
        private final Thread listener;
        private final Map<String, Long> startedAt = new ConcurrentHashMap<>();
        private final Set<String> answered = ConcurrentHashMap.newKeySet();
        private volatile Histogram histogram = new Histogram(3_600_000_000L, 3);
        private volatile CountDownLatch finished = new CountDownLatch(0);
        private volatile boolean stopped;
        private int steps;

        Driver(String commandTopic, String replyTopic, List<StepAction> actions) {
            this.commandTopic = commandTopic;
            this.replyTopic = replyTopic;
            this.actions = actions;
            this.replies = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = replies.partitionsFor(replyTopic).stream()
                    .map(info -> new TopicPartition(replyTopic, info.partition())).toList();
            replies.assign(partitions);
            replies.seekToEnd(partitions);
            partitions.forEach(replies::position);
            listener = new Thread(this::listen, "bench-patterns-replies");
            listener.setDaemon(true);
            listener.start();
        }

        /** Steps not counted, so that class loading, JIT compilation and first connections are behind the measured ones. */
        void warmUp() throws InterruptedException {
            run(WARM_UP_STEPS, 0, false);
        }

        /** Sends {@code count} steps at once; steps per second from the first send to the last reply. */
        double burst(int count) throws InterruptedException {
            long start = System.nanoTime();
            run(count, 0, true);
            return count / ((System.nanoTime() - start) / 1e9);
        }

        /** Sends {@code count} steps at {@code perSecond}; their latencies. */
        Histogram paced(int count, double perSecond) throws InterruptedException {
            return run(count, perSecond, true);
        }

        private Histogram run(int count, double perSecond, boolean record) throws InterruptedException {
            Histogram measured = new Histogram(3_600_000_000L, 3);
            histogram = record ? measured : new Histogram(3_600_000_000L, 3);
            finished = new CountDownLatch(count);
            long begin = System.nanoTime();
            for (int i = 0; i < count; i++) {
                if (perSecond > 0) {
                    long due = begin + (long) (i * 1e9 / perSecond);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                String sagaId = runId + "-" + (steps++);
                startedAt.put(sagaId, System.nanoTime());
                send(sagaId, 0);
            }
            producer.flush();
            if (!finished.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(finished.getCount() + " of " + count + " steps got no final reply within "
                        + PATIENCE + " on " + commandTopic);
            }
            return measured;
        }

        private void send(String sagaId, int actionIndex) {
            Order order = new Order(sagaId, "sku-1", 1, 100L);
            StepCommand command = StepCommand.newBuilder()
                    .setCommandId(sagaId + "/" + actionIndex)
                    .setSagaId(sagaId)
                    .setSagaType("bench")
                    .setDefinitionVersion(1)
                    .setStep("step")
                    .setAction(actions.get(actionIndex))
                    .setAttempt(1)
                    .setInput(payloads.encode(order))
                    .setReplyTopic(replyTopic)
                    .setIssuedAtMs(Instant.now())
                    .setMetadata(Map.of())
                    .build();
            producer.send(new ProducerRecord<>(commandTopic, sagaId, serdes.commands().serialize(commandTopic, command)));
        }

        private void listen() {
            try {
                while (!stopped) {
                    for (ConsumerRecord<String, byte[]> record : replies.poll(Duration.ofMillis(50))) {
                        StepReply reply = serdes.replies().deserialize(replyTopic, record.value());
                        // Patterns that deliver at least once may answer a command twice; the first answer counts.
                        if (!answered.add(reply.getCommandId())) {
                            continue;
                        }
                        int index = actions.indexOf(reply.getAction());
                        if (index < actions.size() - 1) {
                            send(reply.getSagaId(), index + 1);
                        } else {
                            Long start = startedAt.remove(reply.getSagaId());
                            if (start != null) {
                                histogram.recordValue(Math.max(1, (System.nanoTime() - start) / 1_000));
                                finished.countDown();
                            }
                        }
                    }
                }
            } catch (WakeupException e) {
                // Closing.
            }
        }

        @Override
        public void close() throws InterruptedException {
            stopped = true;
            replies.wakeup();
            listener.join(10_000);
            replies.close();
            producer.close();
        }
    }
}
