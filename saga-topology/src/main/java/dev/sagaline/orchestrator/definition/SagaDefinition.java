package dev.sagaline.orchestrator.definition;

import dev.sagaline.orchestrator.errors.InvalidSagaDefinitionException;
import dev.sagaline.schemas.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A saga type at one version: its stages in order and its overall deadline. Immutable and checked
 * when built, so a definition that exists can run: every rule it breaks is reported with the saga
 * and step names and how to fix it.
 *
 * <pre>{@code
 * SagaDefinition order = SagaDefinition.named("order").version(1)
 *     .step("reserve-stock").on("inventory.commands").tcc()
 *     .step("charge-payment").on("payment.commands").pivot()
 *     .parallel("notify", g -> g
 *         .step("email").on("notify.commands").retriable()
 *         .step("sms").on("notify.commands").retriable())
 *     .step("ship").on("shipping.commands").retriable()
 *     .deadline(Duration.ofMinutes(5))
 *     .build();
 * }</pre>
 *
 * <p>Rules: at least one step; unique step names; every step has a command topic and declares how
 * it is undone (compensatable, TCC) or why it is not (pivot, retriable); at most one pivot, not in
 * a parallel group; after the pivot only retriable steps, and retriable steps only after it;
 * timeouts and deadlines are positive.
 */
public final class SagaDefinition {

    private final String name;
    private final int version;
    private final List<Stage> stages;
    private final Duration deadline;
    private final List<StepDefinition> steps;
    private final Map<String, Integer> stepIndex;
    private final Map<String, Integer> stageOfStep;

    private SagaDefinition(String name, int version, List<Stage> stages, Duration deadline, String source) {
        this.name = name;
        this.version = version;
        this.stages = List.copyOf(stages);
        this.deadline = deadline;
        List<StepDefinition> all = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> stageIndex = new HashMap<>();
        for (int s = 0; s < this.stages.size(); s++) {
            for (StepDefinition step : this.stages.get(s).steps()) {
                index.put(step.name(), all.size());
                stageIndex.put(step.name(), s);
                all.add(step);
            }
        }
        this.steps = List.copyOf(all);
        this.stepIndex = Map.copyOf(index);
        this.stageOfStep = Map.copyOf(stageIndex);
        new Rules(source).check(this);
    }

    /** Starts a definition of the saga type {@code name}. */
    public static Builder named(String name) {
        return new Builder(name);
    }

    /** The saga type. */
    public String name() {
        return name;
    }

    /** The version of this definition of the type; instances keep the version they started with. */
    public int version() {
        return version;
    }

    /** The stages in forward order. */
    public List<Stage> stages() {
        return stages;
    }

    /** Every step, in forward order, a group's members in declaration order. */
    public List<StepDefinition> steps() {
        return steps;
    }

    /** The step named {@code step}, if the definition has one. */
    public Optional<StepDefinition> step(String step) {
        Integer i = stepIndex.get(step);
        return i == null ? Optional.empty() : Optional.of(steps.get(i));
    }

    /** Position of {@code step} in {@link #steps()}, or -1. */
    public int indexOf(String step) {
        return stepIndex.getOrDefault(step, -1);
    }

    /** Position in {@link #stages()} of the stage holding {@code step}, or -1. */
    public int stageOf(String step) {
        return stageOfStep.getOrDefault(step, -1);
    }

    /** The overall deadline from the saga's start, if any. */
    public Optional<Duration> deadline() {
        return Optional.ofNullable(deadline);
    }

    /** True when some step is a TCC step, so a successful saga confirms before it completes. */
    public boolean hasTccSteps() {
        return steps.stream().anyMatch(s -> s.kind() == StepKind.TCC);
    }

    @Override
    public String toString() {
        return "saga '" + name + "' v" + version;
    }

    /** Collects a definition's parts; {@link #build()} checks them. */
    public static final class Builder {
        private final String name;
        private int version = 1;
        private Duration deadline;
        private String source;
        private final List<Object> stages = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        /** The definition's version, 1 by default. */
        public Builder version(int version) {
            this.version = version;
            return this;
        }

        /** The saga's overall deadline from its start; a start request may set an earlier one. */
        public Builder deadline(Duration deadline) {
            this.deadline = deadline;
            return this;
        }

        /** Where the definition came from (a file name), for error messages. */
        public Builder source(String source) {
            this.source = source;
            return this;
        }

        /** Adds a step after those declared so far. */
        public StepBuilder step(String stepName) {
            StepBuilder step = new StepBuilder(this, stepName, null);
            stages.add(step);
            return step;
        }

        /** Adds a parallel group after the steps declared so far; {@code members} declares its steps. */
        public Builder parallel(String groupName, Consumer<GroupBuilder> members) {
            GroupBuilder group = new GroupBuilder(this, groupName);
            members.accept(group);
            stages.add(group);
            return this;
        }

        /** Checks the definition and returns it. */
        public SagaDefinition build() {
            List<Stage> built = new ArrayList<>();
            for (Object stage : stages) {
                if (stage instanceof StepBuilder step) {
                    built.add(Stage.single(step.toDefinition()));
                } else {
                    GroupBuilder group = (GroupBuilder) stage;
                    built.add(Stage.group(group.name, group.members.stream().map(StepBuilder::toDefinition).toList()));
                }
            }
            return new SagaDefinition(name, version, built, deadline, source);
        }
    }

    /** Declares the members of a parallel group. */
    public static final class GroupBuilder {
        private final Builder saga;
        private final String name;
        private final List<StepBuilder> members = new ArrayList<>();

        private GroupBuilder(Builder saga, String name) {
            this.saga = saga;
            this.name = name;
        }

        /** Adds a member to the group. */
        public StepBuilder step(String stepName) {
            StepBuilder step = new StepBuilder(saga, stepName, this);
            members.add(step);
            return step;
        }
    }

    /** Declares one step; {@link #step(String)} goes on to the next one. */
    public static final class StepBuilder {
        private final Builder saga;
        private final GroupBuilder group;
        private final String name;
        private String topic;
        private StepKind kind;
        private Duration timeout;
        private RetryPolicy retry;
        private RetryPolicy undoRetry;
        private StepInput input = StepInput.sagaInput();

        private StepBuilder(Builder saga, String name, GroupBuilder group) {
            this.saga = saga;
            this.name = name;
            this.group = group;
        }

        /** The topic this step's commands are sent to. */
        public StepBuilder on(String commandTopic) {
            this.topic = commandTopic;
            return this;
        }

        /** Undone by a COMPENSATE command on the same topic when the saga fails. */
        public StepBuilder compensatable() {
            this.kind = StepKind.COMPENSATABLE;
            return this;
        }

        /** A try / confirm / cancel step. */
        public StepBuilder tcc() {
            this.kind = StepKind.TCC;
            return this;
        }

        /** The saga's point of no return. */
        public StepBuilder pivot() {
            this.kind = StepKind.PIVOT;
            return this;
        }

        /** Retried until it succeeds; only after the pivot. */
        public StepBuilder retriable() {
            this.kind = StepKind.RETRIABLE;
            return this;
        }

        /** How long each attempt waits for its reply. */
        public StepBuilder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Attempts and backoff of the forward action. */
        public StepBuilder retry(RetryPolicy retry) {
            this.retry = retry;
            return this;
        }

        /** Attempts and backoff of COMPENSATE, CANCEL and CONFIRM. */
        public StepBuilder undoRetry(RetryPolicy undoRetry) {
            this.undoRetry = undoRetry;
            return this;
        }

        /** How the command's input is built; the saga's input by default. */
        public StepBuilder input(StepInput input) {
            this.input = input;
            return this;
        }

        /** The next step: in the same parallel group when this one is in a group, else after this one. */
        public StepBuilder step(String stepName) {
            return group != null ? group.step(stepName) : saga.step(stepName);
        }

        /** A parallel group after this step. */
        public Builder parallel(String groupName, Consumer<GroupBuilder> members) {
            return saga.parallel(groupName, members);
        }

        /** The saga's overall deadline. */
        public Builder deadline(Duration deadline) {
            return saga.deadline(deadline);
        }

        /** Checks the whole definition and returns it. */
        public SagaDefinition build() {
            return saga.build();
        }

        private StepDefinition toDefinition() {
            if (kind == null) {
                throw new InvalidSagaDefinitionException(Rules.where(saga.source) + "saga '" + saga.name + "' step '" + name
                        + "' does not say how it is undone; declare its kind: compensatable, tcc, pivot or retriable");
            }
            return new StepDefinition(name, topic, kind, timeout, retry, undoRetry, input == null ? StepInput.sagaInput() : input);
        }
    }

    /** The rules a definition must follow, checked once when it is built. */
    private static final class Rules {
        private final String source;

        Rules(String source) {
            this.source = source;
        }

        static String where(String source) {
            return source == null ? "" : source + ": ";
        }

        void check(SagaDefinition d) {
            if (d.name == null || d.name.isBlank()) {
                fail("a saga definition has no name; give it one with SagaDefinition.named(\"...\")");
            }
            String saga = "saga '" + d.name + "'";
            if (d.version < 1) {
                fail(saga + " has version " + d.version + "; versions start at 1");
            }
            if (d.steps.isEmpty()) {
                fail(saga + " has no steps; add at least one with step(\"...\")");
            }
            if (d.deadline != null && (d.deadline.isZero() || d.deadline.isNegative())) {
                fail(saga + " has deadline " + d.deadline + "; it must be positive");
            }
            Map<String, Integer> seen = new LinkedHashMap<>();
            for (StepDefinition step : d.steps) {
                String where = saga + " step '" + step.name() + "'";
                if (step.name().isBlank()) {
                    fail(saga + " has a step with an empty name");
                }
                if (seen.put(step.name(), 1) != null) {
                    fail(saga + " has two steps named '" + step.name() + "'; step names must be unique");
                }
                if (step.commandTopic() == null || step.commandTopic().isBlank()) {
                    fail(where + " has no command topic; set it with on(\"topic\")");
                }
                if (step.timeout() != null && (step.timeout().isZero() || step.timeout().isNegative())) {
                    fail(where + " has timeout " + step.timeout() + "; it must be positive");
                }
            }
            for (Stage stage : d.stages) {
                if (stage.parallel() && stage.steps().isEmpty()) {
                    fail(saga + " parallel group '" + stage.name() + "' has no steps");
                }
                if (stage.parallel() && stage.steps().stream().anyMatch(s -> s.kind() == StepKind.PIVOT)) {
                    fail(saga + " parallel group '" + stage.name() + "' holds a pivot step; the pivot must stand alone");
                }
            }
            int pivot = -1;
            for (int i = 0; i < d.steps.size(); i++) {
                StepDefinition step = d.steps.get(i);
                String where = saga + " step '" + step.name() + "'";
                if (step.kind() == StepKind.PIVOT) {
                    if (pivot >= 0) {
                        fail(where + " is a second pivot after '" + d.steps.get(pivot).name() + "'; a saga has at most one pivot");
                    }
                    pivot = i;
                } else if (step.kind() == StepKind.RETRIABLE && pivot < 0) {
                    fail(where + " is retriable but comes before any pivot step; retriable steps must follow a pivot step, so declare one before it");
                } else if (step.kind() != StepKind.RETRIABLE && pivot >= 0) {
                    fail(where + " is " + step.kind().name().toLowerCase() + " but follows the pivot step '" + d.steps.get(pivot).name()
                            + "'; after the pivot only retriable steps may come, since nothing after it is undone");
                }
            }
        }

        private void fail(String message) {
            throw new InvalidSagaDefinitionException(where(source) + message);
        }
    }
}
