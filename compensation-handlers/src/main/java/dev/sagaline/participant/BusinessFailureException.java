package dev.sagaline.participant;

import java.util.Objects;

/**
 * Thrown by a handler to refuse a command for a business reason that retrying cannot fix (out of
 * stock, card declined). The participant replies {@code FAILED} with {@link #code()} as the
 * reply's {@code errorCode} and the message as its {@code errorMessage}; it is the exception form
 * of {@link StepResult#failed(String, String)}, for refusals found deep in a call stack.
 *
 * <p>A refusal must leave no side effects: when a refused DO or TRY is later compensated or
 * cancelled, the participant answers {@code SUCCEEDED} without calling the compensation.
 */
public class BusinessFailureException extends ParticipantException {

    private static final long serialVersionUID = 1L;

    private final String code;

    /**
     * @param code a short machine-readable reason such as {@code OUT_OF_STOCK}; not blank
     * @param message a human-readable explanation
     */
    public BusinessFailureException(String code, String message) {
        super(message);
        this.code = requireCode(code);
    }

    /** The reply's {@code errorCode}. */
    public String code() {
        return code;
    }

    static String requireCode(String code) {
        Objects.requireNonNull(code, "code");
        if (code.isBlank()) {
            throw new IllegalArgumentException("an error code must not be blank");
        }
        return code;
    }
}
