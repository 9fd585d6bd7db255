package dev.sagaline.orchestrator.errors;

/**
 * A record on the request or reply topic that the orchestrator cannot act on: an unknown saga
 * type or version, a reply for an unknown saga, step or attempt, a request whose key and saga id
 * differ, a value that does not decode.
 * The orchestrator sends such a record to the dead-letter topic with reason
 * {@code INVALID_INPUT} ({@code UNDECODABLE} for a value that does not decode) and this exception's
 * message as the detail ({@link dev.sagaline.protocol.DeadLetterHeaders}), and goes on with the next record.
 */
public class InvalidSagaInputException extends SagalineException {

    private static final long serialVersionUID = 1L;

    public InvalidSagaInputException(String message) {
        super(message);
    }

    /** An input that could not be read at all; {@code cause} says why. */
    public InvalidSagaInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
