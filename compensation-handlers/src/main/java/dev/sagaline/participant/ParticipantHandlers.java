package dev.sagaline.participant;

import dev.sagaline.protocol.v1.StepAction;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;

/**
 * The handlers of one participant service, by step name and action: an immutable registry
 * checked when it is built. {@link Participant.Builder} fills one for the Kafka runtime; the same
 * registry can drive a {@link CommandDispatcher} without Kafka, such as in the orchestrator's
 * in-process test harness.
 *
 * <p>A step is either compensatable ({@link Builder#onDo onDo}, optionally
 * {@link Builder#onCompensate onCompensate}) or TCC ({@link Builder#onTcc onTcc}), never both. A
 * compensation needs the DO handler of the same step in the same participant, because the
 * participant decides whether there is anything to compensate from the DOs it handled itself.
 */
public final class ParticipantHandlers {

    private static final Set<StepAction> COMPENSATABLE = EnumSet.of(StepAction.DO, StepAction.COMPENSATE);
    private static final Set<StepAction> TCC = EnumSet.of(StepAction.TRY, StepAction.CONFIRM, StepAction.CANCEL);

    private final Map<String, Map<StepAction, RegisteredHandler>> byStep;

    private ParticipantHandlers(Map<String, Map<StepAction, RegisteredHandler>> byStep) {
        this.byStep = byStep;
    }

    /** Starts an empty registry. */
    public static Builder builder() {
        return new Builder();
    }

    /** The handler for {@code step} and {@code action}, if one is registered. */
    public Optional<RegisteredHandler> find(String step, StepAction action) {
        Map<StepAction, RegisteredHandler> actions = byStep.get(step);
        return actions == null ? Optional.empty() : Optional.ofNullable(actions.get(action));
    }

    /** The names of the steps with at least one handler, sorted. */
    public Set<String> steps() {
        return new TreeSet<>(byStep.keySet());
    }

    /** Every registered handler, in registration order. */
    public Collection<RegisteredHandler> all() {
        List<RegisteredHandler> all = new ArrayList<>();
        byStep.values().forEach(actions -> all.addAll(actions.values()));
        return List.copyOf(all);
    }

    /**
     * The same handlers, each timed in {@code meters}: the timer {@code sagaline.participant.handler}
     * tagged with the step, the action and the outcome ({@code succeeded}, {@code failed},
     * {@code retryable_error}, or {@code threw} for an exception other than the two failure
     * exceptions), so latency and outcome per step come from one meter.
     */
    public ParticipantHandlers measuredIn(MeterRegistry meters) {
        Objects.requireNonNull(meters, "meters");
        return around((handler, input, context) -> timed(meters, handler, input, context));
    }

    /** Calls a handler on behalf of a wrapper, such as a timer or a tracing span. */
    @FunctionalInterface
    interface Around {
        StepResult call(RegisteredHandler handler, SpecificRecord input, StepContext context) throws Exception;
    }

    /** The same handlers, each called through {@code around}. */
    ParticipantHandlers around(Around around) {
        Map<String, Map<StepAction, RegisteredHandler>> wrapped = new LinkedHashMap<>();
        byStep.forEach((step, actions) -> {
            Map<StepAction, RegisteredHandler> copy = new LinkedHashMap<>();
            actions.forEach((action, handler) -> copy.put(action, new RegisteredHandler(step, action, handler.inputType(),
                    (input, context) -> around.call(handler, input, context))));
            wrapped.put(step, Collections.unmodifiableMap(copy));
        });
        return new ParticipantHandlers(wrapped);
    }

    private static StepResult timed(MeterRegistry meters, RegisteredHandler handler, SpecificRecord input, StepContext context) throws Exception {
        long started = System.nanoTime();
        String outcome = "threw";
        try {
            StepResult result = handler.invoke(input, context);
            outcome = result == null ? "threw" : result.outcome().name().toLowerCase(Locale.ROOT);
            return result;
        } catch (BusinessFailureException e) {
            outcome = "failed";
            throw e;
        } catch (TransientFailureException e) {
            outcome = "retryable_error";
            throw e;
        } finally {
            Timer.builder("sagaline.participant.handler").description("Handler calls of this participant, by step, action and outcome")
                    .tag("step", handler.step()).tag("action", handler.action().name()).tag("outcome", outcome)
                    .publishPercentileHistogram().register(meters).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public String toString() {
        return "ParticipantHandlers" + all();
    }

    /** Collects handlers; not thread-safe. */
    public static final class Builder {

        private final Map<String, Map<StepAction, RegisteredHandler>> byStep = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Registers the forward action (DO) of a compensatable, pivot or retriable step.
         *
         * @param step the step's name as in the saga definition
         * @param inputType the Avro class the command's input payload decodes into
         * @throws InvalidParticipantException when the step already has a DO handler or is a TCC step
         */
        public <I extends SpecificRecord> Builder onDo(String step, Class<I> inputType, StepHandler<I> handler) {
            Objects.requireNonNull(handler, "handler");
            return add(step, StepAction.DO, inputType, (input, context) -> handler.handle(inputType.cast(input), context));
        }

        /**
         * Registers the compensation (COMPENSATE) of a step whose DO is registered in this builder too.
         *
         * @param inputType the Avro class of the compensation's input (the forward step's output when it had one)
         * @throws InvalidParticipantException when the step already has a compensation or is a TCC step
         */
        public <I extends SpecificRecord> Builder onCompensate(String step, Class<I> inputType, CompensationHandler<I> handler) {
            Objects.requireNonNull(handler, "handler");
            return add(step, StepAction.COMPENSATE, inputType,
                    (input, context) -> handler.compensate(inputType.cast(input), context));
        }

        /**
         * Registers the TRY, CONFIRM and CANCEL phases of a TCC step.
         *
         * @param inputType the Avro class the input of all three phases decodes into
         * @throws InvalidParticipantException when the step is already registered
         */
        public <I extends SpecificRecord> Builder onTcc(String step, Class<I> inputType, TccHandler<I> handler) {
            Objects.requireNonNull(handler, "handler");
            add(step, StepAction.TRY, inputType, (input, context) -> handler.tryStep(inputType.cast(input), context));
            add(step, StepAction.CONFIRM, inputType, (input, context) -> handler.confirm(inputType.cast(input), context));
            return add(step, StepAction.CANCEL, inputType, (input, context) -> handler.cancel(inputType.cast(input), context));
        }

        /**
         * @throws InvalidParticipantException when no handler is registered, or a compensation
         *     has no DO handler for its step
         */
        public ParticipantHandlers build() {
            if (byStep.isEmpty()) {
                throw new InvalidParticipantException("a participant needs at least one handler; register one with"
                        + " onDo(step, InputType.class, handler) or onTcc(step, InputType.class, handler)");
            }
            Map<String, Map<StepAction, RegisteredHandler>> copy = new LinkedHashMap<>();
            byStep.forEach((step, actions) -> {
                if (actions.containsKey(StepAction.COMPENSATE) && !actions.containsKey(StepAction.DO)) {
                    throw new InvalidParticipantException("step '" + step + "' has a compensation but no DO handler;"
                            + " register onDo(\"" + step + "\", ...) in the same participant, which only compensates"
                            + " DOs it handled itself");
                }
                copy.put(step, Collections.unmodifiableMap(new LinkedHashMap<>(actions)));
            });
            return new ParticipantHandlers(copy);
        }

        private Builder add(String step, StepAction action, Class<? extends SpecificRecord> inputType,
                RegisteredHandler.Invoker invoker) {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(inputType, "inputType");
            if (step.isBlank()) {
                throw new InvalidParticipantException("a step name must not be blank (registering " + action + ")");
            }
            Map<StepAction, RegisteredHandler> actions = byStep.computeIfAbsent(step, s -> new LinkedHashMap<>());
            if (actions.containsKey(action)) {
                throw new InvalidParticipantException("step '" + step + "' already has a " + action
                        + " handler; register each step and action once");
            }
            Set<StepAction> family = COMPENSATABLE.contains(action) ? COMPENSATABLE : TCC;
            for (StepAction registered : actions.keySet()) {
                if (!family.contains(registered)) {
                    throw new InvalidParticipantException("step '" + step + "' is already registered "
                            + (TCC.contains(registered) ? "as a TCC step (onTcc)" : "as a compensatable step (onDo/onCompensate)")
                            + "; a step is either compensatable or TCC, so it cannot also have a " + action + " handler");
                }
            }
            actions.put(action, new RegisteredHandler(step, action, inputType, invoker));
            return this;
        }
    }
}
