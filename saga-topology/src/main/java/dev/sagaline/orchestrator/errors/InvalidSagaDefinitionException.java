package dev.sagaline.orchestrator.errors;

/**
 * A saga definition is wrong: thrown when it is built or loaded, before anything runs. The message
 * names the file (when loaded from one), the saga and the step, and says how to fix it.
 */
public class InvalidSagaDefinitionException extends SagalineException {

    private static final long serialVersionUID = 1L;

    public InvalidSagaDefinitionException(String message) {
        super(message);
    }

    public InvalidSagaDefinitionException(String message, Throwable cause) {
        super(message, cause);
    }
}
