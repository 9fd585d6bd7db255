package dev.sagaline.orchestrator.errors;

/**
 * The orchestrator's configuration is invalid; the message names the key (or keys) and the value.
 * Thrown at start-up, before anything joins a cluster.
 */
public class SagalineConfigException extends SagalineException {

    private static final long serialVersionUID = 1L;

    public SagalineConfigException(String message) {
        super(message);
    }
}
