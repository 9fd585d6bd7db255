package dev.sagaline.orchestrator.errors;

/**
 * The root of Sagaline's exceptions, so a caller can catch everything the orchestrator throws in
 * one place. Its subtypes say what the caller can do about it.
 */
public class SagalineException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SagalineException(String message) {
        super(message);
    }

    public SagalineException(String message, Throwable cause) {
        super(message, cause);
    }
}
