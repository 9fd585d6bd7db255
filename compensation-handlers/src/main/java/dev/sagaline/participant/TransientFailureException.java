package dev.sagaline.participant;

/**
 * Thrown by a handler to report a transient problem (a downstream timeout, a lock held elsewhere)
 * that a later attempt may not meet. The participant replies {@code RETRYABLE_ERROR} with
 * {@link #code()} as the reply's {@code errorCode}, and the orchestrator retries with a new
 * command id and backoff.
 *
 * <p>Any other exception a handler throws is treated the same way, with the exception's class
 * name as the code; throw this one to choose the code. Because a handler may fail transiently
 * after part of its work was done, a step whose last forward attempt ended this way is
 * compensated by calling the compensation (it must cope with finding nothing to undo).
 */
public class TransientFailureException extends ParticipantException {

    private static final long serialVersionUID = 1L;

    private final String code;

    /**
     * @param code a short machine-readable reason such as {@code WAREHOUSE_UNAVAILABLE}; not blank
     * @param message a human-readable explanation
     */
    public TransientFailureException(String code, String message) {
        super(message);
        this.code = BusinessFailureException.requireCode(code);
    }

    /**
     * @param code a short machine-readable reason; not blank
     * @param message a human-readable explanation
     * @param cause the underlying failure, kept for logs
     */
    public TransientFailureException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = BusinessFailureException.requireCode(code);
    }

    /** The reply's {@code errorCode}. */
    public String code() {
        return code;
    }
}
