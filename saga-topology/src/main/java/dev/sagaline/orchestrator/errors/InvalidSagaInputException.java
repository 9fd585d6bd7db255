package dev.sagaline.orchestrator.errors;

/**
 * A record on the request or reply topic that the orchestrator cannot act on: an unknown saga
 * type or version, a reply for an unknown saga or step, a request whose key and saga id differ.
 * The orchestrator sends such a record to the dead-letter topic with reason
 * {@code INVALID_INPUT} and this exception's message as the detail
 * ({@link dev.sagaline.protocol.DeadLetterHeaders}), and goes on with the next record.
 */
public class InvalidSagaInputException extends SagalineException {

    private static final long serialVersionUID = 1L;

    public InvalidSagaInputException(String message) {
        super(message);
    }
}
