package dev.sagaline.orchestrator.internals.processor;

import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.errors.InvalidSagaInputException;
import dev.sagaline.orchestrator.internals.statemachine.SagaDecision;
import dev.sagaline.orchestrator.internals.statemachine.SagaDecider;
import dev.sagaline.orchestrator.internals.store.StatusIndex;
import dev.sagaline.orchestrator.internals.store.TimerStore;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaRequest;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.protocol.v1.StepState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.header.Headers;
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

    private static final Logger log = LoggerFactory.getLogger(SagaCoordinator.class);

    private final SagaDecider decider;
    private final SagaMetrics metrics;
    private final Duration scanInterval;
    private final int scanBatch;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, SagaState> sagas;
    private TimerStore timers;
    private StatusIndex statuses;

    public SagaCoordinator(SagaDecider decider, Duration scanInterval, int scanBatch, SagaMetrics metrics) {
        this.decider = decider;
        this.metrics = metrics;
        this.scanInterval = scanInterval;
        this.scanBatch = scanBatch;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.sagas = context.getStateStore(TopologyNames.SAGA_STATE_STORE);
        KeyValueStore<Bytes, byte[]> timerStore = context.getStateStore(TopologyNames.TIMER_STORE);
        this.timers = new TimerStore(timerStore);
        this.statuses = new StatusIndex(context.getStateStore(TopologyNames.STATUS_INDEX_STORE));
        rebuildTimersAndCheckVersions();
        context.schedule(scanInterval, PunctuationType.WALL_CLOCK_TIME, this::fireTimers);
    }

    @Override
    public void process(Record<String, Object> record) {
        String key = record.key();
        long now = context.currentSystemTimeMs();
        Object value = record.value();
        if (value instanceof SagaRequest request) {
            SagaState existing = key == null ? null : sagas.get(key);
            TraceContext.adopt(record.headers(), request);
            SagaStatus was = existing == null ? null : existing.getStatus();
            apply(key, existing, was, decider.onRequest(key, request, existing, now), now);
        } else if (value instanceof StepReply reply) {
            SagaState existing = key == null ? null : sagas.get(key);
            SagaStatus was = existing == null ? null : existing.getStatus();
            apply(key, existing, was, decider.onReply(key, reply, existing, now), now);
        } else if (value == null) {
            throw new InvalidSagaInputException("record with key '" + key + "' has no value (a tombstone); requests and replies always have one");
        } else {
            throw new IllegalStateException("unexpected record type " + value.getClass().getName());
        }
    }

    private void fireTimers(long now) {
        for (TimerStore.Due due : timers.takeDue(now, scanBatch)) {
            SagaState state = sagas.get(due.sagaId());
            if (state == null || state.getTimerMs() == null || state.getTimerMs().toEpochMilli() != due.dueMs()) {
                continue;
            }
            state.setTimerMs(null);
            metrics.timerFired(now - due.dueMs());
            SagaStatus was = state.getStatus();
            apply(due.sagaId(), null, was, decider.onTimer(state, now), now);
        }
    }

    private void apply(String sagaId, SagaState before, SagaStatus was, SagaDecision decision, long now) {
        SagaState state = decision.state();
        SagaState known = state != null ? state : before;
        Headers trace = TraceContext.headersOf(known);
        writeState(sagaId, before, was, decision);
        CrashSwitch.fireIfArmed(sagaId);
        for (SagaDecision.OutgoingCommand command : decision.commands()) {
            context.forward(new Record<String, Object>(sagaId, command.command(), now, TraceContext.copy(trace)), TopologyNames.COMMANDS_SINK);
        }
        for (SagaEvent event : decision.events()) {
            context.forward(new Record<String, Object>(sagaId, event, now, TraceContext.copy(trace)), TopologyNames.EVENTS_SINK);
            metrics.event(event);
            if (event.getKind() == SagaEventKind.STUCK) {
                warnStuck(known, event);
            }
        }
    }

    /** The saga's state, its timer and its status index entry; the forwards follow in the same transaction. */
    private void writeState(String sagaId, SagaState before, SagaStatus was, SagaDecision decision) {
        SagaState state = decision.state();
        SagaState known = state != null ? state : before;
        if (known != null) {
            statuses.move(sagaId, known.getSagaType(), was, state == null ? null : state.getStatus());
        }
        Instant registered = state != null ? state.getTimerMs() : before != null ? before.getTimerMs() : null;
        Long next = decision.nextDue();
        if (registered != null && (next == null || registered.toEpochMilli() != next)) {
            timers.delete(registered.toEpochMilli(), sagaId);
        }
        if (state == null) {
            sagas.delete(sagaId);
            return;
        }
        if (next != null && (registered == null || registered.toEpochMilli() != next)) {
            timers.put(next, sagaId);
        }
        state.setTimerMs(next == null ? null : Instant.ofEpochMilli(next));
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
     * Rebuilds the timer and status indexes from the saga store, which alone has a changelog, and refuses to run
     * when a saga in this task's store runs a definition version that is no longer loaded: it could
     * neither go forward nor compensate. One scan per task start, never per record.
     */
    private void rebuildTimersAndCheckVersions() {
        timers.clear();
        statuses.clear();
        SagaDefinitions definitions = decider.definitions();
        Map<String, Integer> orphans = new TreeMap<>();
        try (KeyValueIterator<String, SagaState> it = sagas.all()) {
            while (it.hasNext()) {
                KeyValue<String, SagaState> entry = it.next();
                SagaState s = entry.value;
                if (s.getTimerMs() != null) {
                    timers.put(s.getTimerMs().toEpochMilli(), entry.key);
                }
                statuses.move(entry.key, s.getSagaType(), null, s.getStatus());
                if (!s.getCompacted() && definitions.find(s.getSagaType(), s.getDefinitionVersion()).isEmpty()) {
                    orphans.merge("saga '" + s.getSagaType() + "' version " + s.getDefinitionVersion(), 1, Integer::sum);
                }
            }
        }
        if (!orphans.isEmpty()) {
            StringBuilder message = new StringBuilder("refusing to start: definitions still in use were removed: ");
            orphans.forEach((version, count) -> message.append(version).append(" (").append(count).append(" instances running) "));
            message.append("; load these versions again until their instances finish");
            throw new IllegalStateException(message.toString().trim());
        }
    }
}
