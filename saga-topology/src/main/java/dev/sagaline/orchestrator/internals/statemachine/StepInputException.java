package dev.sagaline.orchestrator.internals.statemachine;

import dev.sagaline.orchestrator.errors.SagalineException;

/**
 * A step's input mapping ({@code StepInput}, the definition's own code) threw while a command was
 * built. It concerns that one saga, not the orchestrator: the processor stops the saga with the
 * reason instead of letting the exception stop the stream thread on every restart.
 */
public final class StepInputException extends SagalineException {

    private static final long serialVersionUID = 1L;

    StepInputException(String sagaId, String step, RuntimeException cause) {
        super("the input of step '" + step + "' could not be built for saga '" + sagaId + "': the definition's input mapping threw " + cause, cause);
    }
}
