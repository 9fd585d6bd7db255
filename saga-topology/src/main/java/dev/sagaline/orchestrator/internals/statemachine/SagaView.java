package dev.sagaline.orchestrator.internals.statemachine;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.StepDefinition;
import dev.sagaline.orchestrator.definition.StepInput;
import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.SagaState;
import java.util.Map;
import java.util.Optional;

/** What a step's input mapping may read of the saga: its id, input, metadata and earlier steps' outputs. */
record SagaView(SagaDefinition definition, SagaState state) implements StepInput.Saga {

    @Override
    public String sagaId() {
        return state.getSagaId();
    }

    @Override
    public Optional<Payload> input() {
        return Optional.ofNullable(state.getInput());
    }

    @Override
    public Optional<Payload> output(String stepName) {
        int i = definition.indexOf(stepName);
        return i < 0 ? Optional.empty() : Optional.ofNullable(state.getSteps().get(i).getOutput());
    }

    @Override
    public Map<String, String> metadata() {
        return state.getMetadata();
    }

    /** {@code step}'s input from the definition's mapping, which is the definition's own code and may throw. */
    Payload inputOf(StepDefinition step) {
        try {
            return step.input().build(this);
        } catch (RuntimeException e) {
            throw new StepInputException(state.getSagaId(), step.name(), e);
        }
    }
}
