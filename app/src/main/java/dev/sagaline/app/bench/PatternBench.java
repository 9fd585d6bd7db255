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
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
    private final PatternSetup setup;

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
        this.setup = new PatternSetup(bootstrapServers, runId, serdes, payloads, out);
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
        try (AutoCloseable running = service.start(commands); StepDriver driver = new StepDriver(setup, commands, replies, actions)) {
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
        KafkaProducer<String, byte[]> producer = setup.idempotentProducer();
        PlainConsumer consumer = new PlainConsumer(setup, commandTopic, "idempotent", batch -> {
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
        PlainConsumer consumer = new PlainConsumer(setup, commandTopic, "outbox", batch -> {
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
        KafkaProducer<String, byte[]> producer = setup.idempotentProducer();
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
        PlainConsumer consumer = new PlainConsumer(setup, commandTopic, "transaction-log", batch -> {
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

    private void createTopics(String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String topic : topics) {
                newTopics.add(new NewTopic(topic, 2, (short) 1));
            }
            TopicSetup.create(admin, newTopics, Duration.ofSeconds(30));
        }
    }
}
