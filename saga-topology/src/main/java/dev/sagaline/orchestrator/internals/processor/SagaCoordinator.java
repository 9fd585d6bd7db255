package dev.sagaline.orchestrator.internals.processor;

import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.errors.InvalidSagaInputException;
import dev.sagaline.orchestrator.internals.statemachine.SagaDecision;
import dev.sagaline.orchestrator.internals.statemachine.SagaDecider;
import dev.sagaline.orchestrator.internals.statemachine.SagaRules;
import dev.sagaline.orchestrator.internals.statemachine.StepInputException;
import dev.sagaline.orchestrator.internals.store.SagaIndex;
import dev.sagaline.orchestrator.internals.store.StatusIndex;
import dev.sagaline.orchestrator.internals.store.TimerStore;
import dev.sagaline.orchestrator.internals.store.VersionsInUse;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.protocol.v1.StepState;
import dev.sagaline.schemas.serde.ReplyAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's one processor: it reads requests and replies keyed by saga id, lets the
 * {@link SagaDecider} decide, and writes the saga's state, its timer, its commands and its audit
 * events. Under {@code exactly_once_v2} all of it commits in one transaction with the consumed
 * offsets. A wall-clock punctuator fires due timers found by one range scan of the timer store.
 * The status index follows each saga's status, and a start request's {@code traceparent} header
 * goes onto every command and event of the saga.
 */
public final class SagaCoordinator implements Processor<String, Object, String, Object> {

    /** Header on a reply this orchestrator moved from another partition of the reply topic: that partition. */
    public static final String REROUTED_FROM_HEADER = "sagaline.rerouted.from";

    private static final Logger log = LoggerFactory.getLogger(SagaCoordinator.class);

    private final SagaDecider decider;
    private final SagaMetrics metrics;
    private final RecordSizeLimit sizeLimit;
    private final Duration scanInterval;
    private final int scanBatch;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, SagaState> sagas;
    private SagaIndex index;
    private TimerStore timers;
    private StatusIndex statuses;
    private VersionsInUse versions;
    private final ReplyCatchUp catchUp = new ReplyCatchUp();

    public SagaCoordinator(SagaDecider decider, Duration scanInterval, int scanBatch, int recordMaxBytes, SagaMetrics metrics) {
        this.decider = decider;
        this.metrics = metrics;
        this.sizeLimit = new RecordSizeLimit(recordMaxBytes);
        this.scanInterval = scanInterval;
        this.scanBatch = scanBatch;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.sagas = context.getStateStore(TopologyNames.SAGA_STATE_STORE);
        KeyValueStore<Bytes, byte[]> indexStore = context.getStateStore(TopologyNames.INDEX_STORE);
        this.index = new SagaIndex(indexStore);
        this.timers = index.timers();
        this.statuses = index.statuses();
        this.versions = index.versions();
        if (!index.built()) {
            indexStoredSagas();
        }
        refuseRemovedVersions();
        context.schedule(scanInterval, PunctuationType.WALL_CLOCK_TIME, this::fireTimers);
    }

    /**
     * Handles one request or reply. One the orchestrator cannot act on goes to the dead-letter
     * topic ({@link SagaInputExceptionHandler}); when its key names a stored saga, the saga's
     * history notes it first ({@code INPUT_DEAD_LETTERED}), in the same transaction.
     */
    @Override
    public void process(Record<String, Object> record) {
        long now = context.currentSystemTimeMs();
        try {
            handle(record, now);
        } catch (InvalidSagaInputException e) {
            SagaState keyed = record.key() == null ? null : sagas.get(record.key());
            if (keyed != null) {
                apply(record.key(), keyed, Held.of(keyed), decider.onRejected(keyed, e.getMessage(), now), now);
            }
            throw e;
        }
    }

    private void handle(Record<String, Object> record, long now) {
        String key = record.key();
        Object value = record.value();
        if (value instanceof SagaRequest request) {
            SagaState existing = key == null ? null : sagas.get(key);
            TraceContext.adopt(record.headers(), request);
            decide(key, existing, () -> decider.onRequest(key, request, existing, now), now, true);
        } else if (value instanceof StepReply reply) {
            SagaState existing = key == null ? null : sagas.get(key);
            if (existing == null && key != null && record.headers().lastHeader(REROUTED_FROM_HEADER) == null) {
                reroute(record, reply);
                return;
            }
            decide(key, existing, () -> decider.onReply(key, reply, existing, now), now, true);
        } else if (value instanceof UndecodableInput undecodable) {
            throw new InvalidSagaInputException(undecodable.failure().getMessage(), undecodable.failure());
        } else if (value == null && ReplyTick.isTick(record.headers())) {
            catchUp.tickRead(record.timestamp());
            fireTimers(now);
        } else if (value == null) {
            throw new InvalidSagaInputException("record with key '" + key + "' has no value (a tombstone); requests and replies always have one");
        } else {
            throw new IllegalStateException("unexpected record type " + value.getClass().getName());
        }
    }

    /**
     * A reply for a saga this task does not hold may have been written to the wrong partition by
     * a client whose partitioner hashes keys differently (librdkafka's CRC32 instead of Java's
     * murmur2). It goes, in this task's transaction, to the partition its key hashes to under
     * murmur2, marked with {@value #REROUTED_FROM_HEADER}; a marked reply that still finds no saga
     * there is dead-lettered as usual.
     */
    private void reroute(Record<String, Object> record, StepReply reply) {
        int from = context.taskId().partition();
        log.debug("reply for saga '{}' is not on this task's partition {}; moving it to its saga's partition", record.key(), from);
        Headers headers = new RecordHeaders(record.headers().toArray())
                .add(REROUTED_FROM_HEADER, Integer.toString(from).getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<String, Object>(record.key(), reply, record.timestamp(), headers), TopologyNames.REPLIES_SINK);
    }

    /**
     * Fires the timers due by {@code now} whose replies, had they been written in time, would have
     * been read by now: those due before the last tick read back (see {@link ReplyCatchUp}). For
     * the others a tick goes out, and they fire when it comes back.
     */
    private void fireTimers(long now) {
        long readUpTo = Math.min(now, catchUp.readUpTo());
        List<TimerStore.Due> dueNow = readUpTo < 0 ? List.of() : timers.takeDue(readUpTo, scanBatch);
        if (timers.anyDue(now) && catchUp.needsTick(now)) {
            ReplyTick tick = new ReplyTick(context.taskId().partition());
            context.forward(new Record<String, Object>(null, tick, now, tick.headers()), TopologyNames.REPLIES_SINK);
            catchUp.tickSent(now);
        }
        for (TimerStore.Due due : dueNow) {
            SagaState state = sagas.get(due.sagaId());
            if (state == null || state.getTimerMs() == null || state.getTimerMs().toEpochMilli() != due.dueMs()) {
                continue;
            }
            Long dueMs = decider.nextDue(state);
            if (dueMs != null && dueMs > now) {
                // registered early (TimerStore.move): nothing is due yet, so only the registration moves
                timers.put(dueMs, due.sagaId());
                state.setTimerMs(Instant.ofEpochMilli(dueMs));
                sagas.put(due.sagaId(), state);
                continue;
            }
            state.setTimerMs(null);
            metrics.timerFired(now - (dueMs == null ? due.dueMs() : dueMs));
            try {
                decide(due.sagaId(), null, () -> decider.onTimer(state, now), now, false);
            } catch (InvalidSagaInputException e) {
                // Only a finished saga can get here, and a finished saga's timer only purges it.
                log.error("saga '{}': due timer dropped: {}", due.sagaId(), e.getMessage());
            }
        }
    }

    /**
     * Applies what the machine decides, unless the saga cannot go on for a reason outside the
     * rules: its input mapping throws, or a record it would write is too large. Then the saga is
     * stopped as it was stored, with an event naming the reason, so that one saga never stops the
     * instance, and the input record (not a due timer) goes to the dead-letter topic, so what the
     * saga could not take is kept; an input for which there is no running saga to stop is only
     * dead-lettered.
     */
    private void decide(String sagaId, SagaState before, Supplier<SagaDecision> machineDecision, long now, boolean fromInput) {
        // the rules change the stored state in place, so what the indexes hold for it is read first
        Held was = Held.of(before != null ? before : sagaId == null ? null : sagas.get(sagaId));
        SagaDecision decision;
        String problem;
        try {
            decision = machineDecision.get();
            problem = sizeLimit.check(sagaId, decision);
        } catch (StepInputException e) {
            decision = null;
            problem = e.getMessage();
        }
        if (problem == null) {
            apply(sagaId, before, was, decision, now);
            return;
        }
        String where = context.recordMetadata().filter(m -> m.topic() != null)
                .map(m -> " (input " + m.topic() + "-" + m.partition() + "@" + m.offset() + ")").orElse(" (a due timer)");
        SagaState stored = sagaId == null ? null : sagas.get(sagaId);
        if (stored == null || SagaRules.isTerminal(stored.getStatus())) {
            throw new InvalidSagaInputException(problem + where);
        }
        log.warn("saga '{}' stopped: {}{}", sagaId, problem, where);
        apply(sagaId, stored, Held.of(stored), decider.onHalt(stored, problem + where, now), now);
        if (fromInput) {
            throw new InvalidSagaInputException(problem + where);
        }
    }

    /** What the status index and the versions in use hold for a saga before a decision changes it. */
    private record Held(SagaStatus status, String version) {

        static Held of(SagaState state) {
            return new Held(state == null ? null : state.getStatus(), VersionsInUse.of(state));
        }
    }

    private void apply(String sagaId, SagaState before, Held was, SagaDecision decision, long now) {
        SagaState state = decision.state();
        SagaState known = state != null ? state : before;
        Headers trace = TraceContext.headersOf(known);
        writeState(sagaId, before, was, decision);
        CrashSwitch.fireIfArmed(sagaId);
        for (SagaDecision.OutgoingCommand command : decision.commands()) {
            // The saga lives on this task's partition; naming it spares participants from hashing keys as Java does.
            Headers headers = new ReplyAddress(command.command().getReplyTopic(), context.taskId().partition()).writeTo(TraceContext.copy(trace));
            context.forward(new Record<String, Object>(sagaId, command.command(), now, headers), TopologyNames.COMMANDS_SINK);
        }
        for (SagaEvent event : decision.events()) {
            context.forward(new Record<String, Object>(sagaId, event, now, TraceContext.copy(trace)), TopologyNames.EVENTS_SINK);
            metrics.event(event);
            if (event.getKind() == SagaEventKind.STUCK) {
                warnStuck(known, event);
            }
        }
    }

    /** The saga's state, its timer, its status index entry and its version's count; the forwards follow in the same transaction. */
    private void writeState(String sagaId, SagaState before, Held was, SagaDecision decision) {
        SagaState state = decision.state();
        SagaState known = state != null ? state : before;
        if (known != null) {
            statuses.move(sagaId, known.getSagaType(), was.status(), state == null ? null : state.getStatus());
        }
        versions.move(was.version(), VersionsInUse.of(state));
        Instant registered = state != null ? state.getTimerMs() : before != null ? before.getTimerMs() : null;
        Long timer = timers.move(sagaId, registered == null ? null : registered.toEpochMilli(), decision.nextDue(),
                state != null && !SagaRules.isTerminal(state.getStatus()));
        if (state == null) {
            sagas.delete(sagaId);
            return;
        }
        state.setTimerMs(timer == null ? null : Instant.ofEpochMilli(timer));
        sagas.put(sagaId, state);
    }

    /** The one line an operator greps for: which saga is stuck, on which step, and the step's last error. */
    private static void warnStuck(SagaState state, SagaEvent event) {
        String code = event.getErrorCode();
        String message = event.getErrorMessage();
        if (code == null && state != null) {
            for (StepState step : state.getSteps()) {
                if (step.getName().equals(event.getStep())) {
                    code = step.getLastErrorCode();
                    message = step.getLastErrorMessage();
                }
            }
        }
        log.warn("saga {} ({}) is STUCK at step {}: last error {} {} ({}); retry, abort or resolve it", event.getSagaId(), event.getSagaType(),
                event.getStep(), code, message, event.getReason());
    }

    /**
     * Gives a stored saga that has no timer the one it should have: a saga written by release
     * 0.1.0, which stored no due times, would otherwise never time out, reach its deadline or be
     * purged. True when the saga now has a timer, and so must be stored again.
     */
    private boolean adoptTimer(SagaState state) {
        Long due = decider.dueTimeOf(state, context.currentSystemTimeMs());
        if (due != null) {
            state.setTimerMs(Instant.ofEpochMilli(due));
        }
        return due != null;
    }

    /**
     * Indexes the sagas of a store written by an orchestrator that kept its indexes elsewhere
     * (without changelogs, or in three stores as earlier unreleased builds did): their timers, statuses and versions.
     * One scan, on the first start after the upgrade; from then on the index restores with the saga
     * store and a start decodes no saga.
     * A saga of release 0.1.0, stored without a timer, gets its timer here ({@link #adoptTimer}).
     */
    private void indexStoredSagas() {
        index.clear();
        long indexed = 0;
        SagaDefinitions definitions = decider.definitions();
        List<KeyValue<String, SagaState>> adopted = new ArrayList<>();
        try (KeyValueIterator<String, SagaState> it = sagas.all()) {
            while (it.hasNext()) {
                KeyValue<String, SagaState> entry = it.next();
                SagaState s = entry.value;
                if (s.getTimerMs() == null && !s.getCompacted() && definitions.find(s.getSagaType(), s.getDefinitionVersion()).isPresent()
                        && adoptTimer(s)) {
                    adopted.add(entry);
                }
                if (s.getTimerMs() != null) {
                    timers.put(s.getTimerMs().toEpochMilli(), entry.key);
                }
                statuses.move(entry.key, s.getSagaType(), null, s.getStatus());
                versions.move(null, VersionsInUse.of(s));
                indexed++;
            }
        }
        adopted.forEach(entry -> sagas.put(entry.key, entry.value));
        index.markBuilt();
        if (indexed > 0) {
            log.info("task {}: indexed {} sagas stored without indexes; later starts read the indexes from their changelogs",
                    context.taskId(), indexed);
        }
    }

    /**
     * Refuses to run when a saga in this task's store runs a definition version that is no longer
     * loaded: it could neither go forward nor compensate. Reads the counts of versions in use, never
     * the sagas.
     */
    private void refuseRemovedVersions() {
        SagaDefinitions definitions = decider.definitions();
        StringBuilder removed = new StringBuilder();
        versions.counts().forEach((version, count) -> {
            int slash = version.lastIndexOf('/');
            String type = version.substring(0, slash);
            int number = Integer.parseInt(version.substring(slash + 1));
            if (definitions.find(type, number).isEmpty()) {
                removed.append("saga '").append(type).append("' version ").append(number).append(" (").append(count).append(" instances running) ");
            }
        });
        if (!removed.isEmpty()) {
            throw new IllegalStateException("refusing to start: definitions still in use were removed: " + removed
                    + "; load these versions again until their instances finish");
        }
    }
}
