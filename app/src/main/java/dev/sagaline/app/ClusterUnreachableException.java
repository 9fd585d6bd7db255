package dev.sagaline.app;

import dev.sagaline.orchestrator.errors.SagalineException;

/**
 * {@code run} could not connect to, or talk to, the Kafka cluster at start-up: nothing answered at
 * {@code bootstrap.servers} in time, or a Kafka client refused to start (an SSL or SASL problem).
 * The message is one line naming the address and the likely cause; {@code --verbose} prints the
 * cause's trace as well. Exit code {@link SagalineCli#EXIT_CANNOT_CONNECT}.
 */
final class ClusterUnreachableException extends SagalineException {

    private static final long serialVersionUID = 1L;

    ClusterUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
