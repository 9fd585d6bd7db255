package dev.sagaline.orchestrator.definition;

import java.util.List;
import java.util.Objects;

/**
 * A unit of a saga's progress: one step, or a parallel group of steps commanded at once. The
 * saga moves to the next stage when every step of this one has succeeded, and compensates stage
 * by stage in reverse, a group's members together.
 *
 * @param name the step's name, or the group's
 * @param steps one step, or the group's members
 * @param parallel true for a parallel group
 */
public record Stage(String name, List<StepDefinition> steps, boolean parallel) {

    public Stage {
        Objects.requireNonNull(name, "name");
        steps = List.copyOf(steps);
    }

    /** A stage of one step. */
    public static Stage single(StepDefinition step) {
        return new Stage(step.name(), List.of(step), false);
    }

    /** A parallel group. */
    public static Stage group(String name, List<StepDefinition> steps) {
        return new Stage(name, steps, true);
    }
}
