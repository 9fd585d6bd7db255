package dev.sagaline.orchestrator.testing;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.participant.ParticipantHandlers;
import dev.sagaline.protocol.v1.AbortSaga;
import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.ResolveStep;
import dev.sagaline.protocol.v1.RetrySaga;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StartSaga;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.protocol.v1.StepResolution;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Runs your saga definitions in your own JUnit tests, without a broker: the real orchestrator
 * topology on Kafka Streams' {@link TopologyTestDriver}, with a script of starts, replies and
 * clock moves, and assertions in the saga's words.
 *
 * <pre>{@code
 * try (SagaTestKit kit = SagaTestKit.of(orderSaga)) {
 *     kit.start("o-1", "order", new Order("o-1", 3));
 *     kit.replyTo("o-1", "reserve-stock").succeed();
 *     kit.replyTo("o-1", "charge-payment").fail("CARD_DECLINED", "insufficient funds");
 *     kit.replyTo("o-1", "reserve-stock").succeed();          // the COMPENSATE
 *     kit.assertThat("o-1").isCompensated().compensatedInOrder("reserve-stock");
 * }
 * }</pre>
 *
 * <p>Time stands still unless the test moves it with {@link #advanceTime(Duration)}, which fires
 * step timeouts, retries, deadlines and purges exactly as the wall clock would. Participants can
 * be scripted reply by reply, or plugged in as code: the service's own handlers with
 * {@link Builder#participant(String, ParticipantHandlers)} (needs {@code sagaline-compensation-handlers}
 * on the test classpath) or any function with {@link Builder#participant(String, Function)}.
 */
public final class SagaTestKit implements AutoCloseable {

    private final SagaDefinitions definitions;
    private final SagalineConfig config;
    private final Payloads payloads;
    private final OrchestratorUnderTest orchestrator;
    private final PluggedParticipants participants;
    private Instant now;

    private SagaTestKit(Builder builder) {
        this.definitions = SagaDefinitions.of(builder.definitions);
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "sagaline-test-kit");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "test-kit:9092");
        props.putAll(builder.config);
        this.config = SagalineConfig.of(props);
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        this.payloads = Payloads.withRegistry(registry);
        this.participants = PluggedParticipants.of(builder.participants, builder.handlers, payloads, () -> now.toEpochMilli());
        this.now = builder.startTime;
        this.orchestrator = new OrchestratorUnderTest(definitions, config, new ProtocolSerdes(registry), payloads, now);
    }

    /** A kit running {@code definitions} with the default configuration. */
    public static SagaTestKit of(SagaDefinition... definitions) {
        return builder().definitions(definitions).build();
    }

    /** A kit to configure. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- script -------------------------------------------------------------------------------

    /** Starts a saga of the newest version of {@code sagaType} with no input. */
    public SagaTestKit start(String sagaId, String sagaType) {
        return start(sagaId, sagaType, null, (Payload) null);
    }

    /** Starts a saga with {@code input}, encoded as a participant would decode it. */
    public SagaTestKit start(String sagaId, String sagaType, SpecificRecord input) {
        return start(sagaId, sagaType, null, input == null ? null : payloads.encode(input));
    }

    /**
     * Starts a saga of {@code version} (null for the newest) with a ready-made payload.
     *
     * @throws IllegalArgumentException when the kit has no such saga type or version
     */
    public SagaTestKit start(String sagaId, String sagaType, Integer version, Payload input) {
        if (definitions.find(sagaType, version).isEmpty()) {
            throw new IllegalArgumentException("the test kit has no saga '" + sagaType + "'"
                    + (version == null ? "" : " version " + version) + "; it runs: " + definitions);
        }
        return request(SagaRequest.newBuilder().setSagaId(sagaId)
                .setBody(StartSaga.newBuilder().setSagaType(sagaType).setDefinitionVersion(version).setInput(input).build()).build());
    }

    /** Sends an operator's abort. */
    public SagaTestKit abort(String sagaId, String reason) {
        return request(SagaRequest.newBuilder().setSagaId(sagaId).setBody(AbortSaga.newBuilder().setReason(reason).build()).build());
    }

    /** Sends an operator's retry of a stuck saga. */
    public SagaTestKit retry(String sagaId, String reason) {
        return request(SagaRequest.newBuilder().setSagaId(sagaId).setBody(RetrySaga.newBuilder().setReason(reason).build()).build());
    }

    /**
     * Sends an operator's resolve of an in-doubt step: {@code SUCCEEDED} goes forward, {@code NOT_APPLIED}
     * turns the saga back.
     */
    public SagaTestKit resolve(String sagaId, String step, StepResolution outcome, String reason) {
        return request(SagaRequest.newBuilder().setSagaId(sagaId)
                .setBody(ResolveStep.newBuilder().setStep(step).setOutcome(outcome).setReason(reason).setOperator("test-kit").build()).build());
    }

    /**
     * Loses the reply to the next command of {@code step} that a plugged-in participant answers:
     * the participant does its work and records it, but the orchestrator never hears back, as when
     * a reply is delayed past every timeout. Shows what a step whose outcome is unknown does.
     */
    public SagaTestKit loseNextReply(String step) {
        participants.loseNextReply(step);
        return this;
    }

    /** Sends any request as it is, keyed by its saga id. */
    public SagaTestKit request(SagaRequest request) {
        return request(request.getSagaId(), request);
    }

    /** Sends any request under any key, e.g. one that differs from its saga id. */
    public SagaTestKit request(String key, SagaRequest request) {
        orchestrator.request(key, request, now);
        settle();
        return this;
    }

    /** Sends bytes to the request topic, e.g. to see how bad input is handled. */
    public SagaTestKit rawRequest(String key, byte[] value) {
        orchestrator.rawRequest(key, value, now);
        settle();
        return this;
    }

    /** Sends bytes to the reply topic. */
    public SagaTestKit rawReply(String key, byte[] value) {
        orchestrator.rawReply(key, value, now);
        settle();
        return this;
    }

    /**
     * Answers the last command sent for {@code step} of {@code sagaId}, whatever its action.
     *
     * @throws IllegalStateException when no command was sent for that step
     */
    public Reply replyTo(String sagaId, String step) {
        return new Reply(this, lastCommand(sagaId, step).orElseThrow(() -> new IllegalStateException(
                "cannot reply to step '" + step + "' of saga '" + sagaId + "': no command was sent for it; sent: " + commands(sagaId))));
    }

    /** Answers {@code command}, for example again to see a duplicate ignored. */
    public Reply replyTo(SentCommand command) {
        if (!orchestrator.commands().contains(command)) {
            throw new IllegalStateException("cannot reply to " + command + ": this kit never sent it");
        }
        return new Reply(this, command);
    }

    /** Sends any reply as it is, keyed by its saga id. */
    public SagaTestKit reply(StepReply reply) {
        return reply(reply.getSagaId(), reply);
    }

    /** Sends any reply under any key, e.g. one that differs from its saga id. */
    public SagaTestKit reply(String key, StepReply reply) {
        orchestrator.reply(key, reply, now);
        settle();
        return this;
    }

    /**
     * Moves the clock forward, firing what falls due on the way (the orchestrator scans its
     * timers at every scan interval passed).
     *
     * @throws IllegalArgumentException when {@code duration} is negative
     */
    public SagaTestKit advanceTime(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("cannot move time backwards by " + duration.negated() + "; the orchestrator's clock only goes forward");
        }
        Duration step = config.timerScanInterval();
        Duration left = duration;
        while (!left.isZero()) {
            Duration move = left.compareTo(step) < 0 ? left : step;
            now = now.plus(move);
            orchestrator.advanceWallClock(move);
            left = left.minus(move);
            settle();
        }
        return this;
    }

    // ---- reads --------------------------------------------------------------------------------

    /** The kit's clock. */
    public Instant now() {
        return now;
    }

    /** The saga's stored state, or null when it is not (or no longer) in the store. */
    public SagaState state(String sagaId) {
        return orchestrator.state(sagaId);
    }

    /** The saga's status, or null when it is not in the store. */
    public SagaStatus status(String sagaId) {
        SagaState state = state(sagaId);
        return state == null ? null : state.getStatus();
    }

    /** Every command sent for the saga, in order. */
    public List<SentCommand> commands(String sagaId) {
        return orchestrator.commands().of(sagaId);
    }

    /** Every command sent, in order. */
    public List<SentCommand> commands() {
        return orchestrator.commands().all();
    }

    /**
     * The FORGET notices the orchestrator sent once the saga finished, one per command topic of
     * the steps it had commanded, in order. They are not commands and are left out of {@link #commands(String)};
     * plugged-in participants receive them like any record on their topic.
     */
    public List<SentCommand> finishNotices(String sagaId) {
        return orchestrator.commands().finishNotices(sagaId);
    }

    /** The last command sent for a step of a saga. */
    public Optional<SentCommand> lastCommand(String sagaId, String step) {
        return orchestrator.commands().last(sagaId, step);
    }

    /** The saga's audit events, in order. */
    public List<SagaEvent> events(String sagaId) {
        return orchestrator.events().of(sagaId);
    }

    /** Every audit event, in order. */
    public List<SagaEvent> events() {
        return orchestrator.events().all();
    }

    /** Every record sent to the dead-letter topic. */
    public List<DeadLetter> deadLetters() {
        return orchestrator.deadLetters().all();
    }

    /** Decodes a payload as a participant would. */
    public <T extends SpecificRecord> T decode(Payload payload, Class<T> type) {
        return payloads.decode(payload, type);
    }

    /** Encodes a record as a payload, as a participant would. */
    public Payload encode(SpecificRecord record) {
        return payloads.encode(record);
    }

    /** Assertions about one saga. */
    public SagaAssertions assertThat(String sagaId) {
        return new SagaAssertions(this, sagaId);
    }

    @Override
    public void close() {
        orchestrator.close();
    }

    /** Reads everything the topology emitted, and lets plugged-in participants answer until quiet. */
    private void settle() {
        List<SentCommand> fresh = orchestrator.commands().readNew();
        orchestrator.events().readNew();
        orchestrator.deadLetters().readNew();
        for (SentCommand command : fresh) {
            participants.answer(command).ifPresent(this::reply);
        }
    }

    /** Scripts the answer to one command: succeed, fail or retryableError, each returning the kit. */
    public static final class Reply extends CommandAnswer {
        private Reply(SagaTestKit kit, SentCommand command) {
            super(kit, command);
        }
    }

    /** Configures a {@link SagaTestKit}. */
    public static final class Builder {
        private final List<SagaDefinition> definitions = new ArrayList<>();
        private final Map<String, Object> config = new HashMap<>();
        private final Map<String, Function<StepCommand, StepReply>> participants = new HashMap<>();
        private final Map<String, ParticipantHandlers> handlers = new HashMap<>();
        private Instant startTime = Instant.parse("2030-01-01T00:00:00Z");

        private Builder() {
        }

        /** The definitions to run. */
        public Builder definitions(SagaDefinition... definitions) {
            this.definitions.addAll(List.of(definitions));
            return this;
        }

        /** The definitions to run. */
        public Builder definitions(SagaDefinitions definitions) {
            this.definitions.addAll(definitions.all());
            return this;
        }

        /** A setting, as the app would read it from its configuration file. */
        public Builder config(String key, Object value) {
            this.config.put(key, value);
            return this;
        }

        /** Settings, as the app would read them from its configuration file. */
        public Builder config(Map<String, ?> settings) {
            this.config.putAll(settings);
            return this;
        }

        /** The clock's start. */
        public Builder startTime(Instant startTime) {
            this.startTime = startTime;
            return this;
        }

        /**
         * Answers every command sent to {@code commandTopic} with {@code participant}'s reply (none
         * when it returns null), e.g. a {@code compensation-handlers} participant's handling.
         */
        public Builder participant(String commandTopic, Function<StepCommand, StepReply> participant) {
            this.participants.put(commandTopic, participant);
            return this;
        }

        /**
         * Answers every command sent to {@code commandTopic} with the service's own handlers, run
         * by the {@code compensation-handlers} participant runtime in process (with its duplicate,
         * empty-rollback and anti-hanging rules), so the whole saga runs against the team's code.
         */
        public Builder participant(String commandTopic, ParticipantHandlers handlers) {
            this.handlers.put(commandTopic, handlers);
            return this;
        }

        /** Builds the kit; close it after the test. */
        public SagaTestKit build() {
            if (definitions.isEmpty()) {
                throw new IllegalStateException("a test kit needs at least one saga definition");
            }
            return new SagaTestKit(this);
        }
    }
}
