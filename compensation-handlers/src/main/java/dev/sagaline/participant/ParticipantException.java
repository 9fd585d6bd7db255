package dev.sagaline.participant;

/**
 * The root of the participant library's exceptions, so callers can catch everything it raises
 * in one place.
 *
 * <p>Two subtypes are signals a handler throws to choose its reply
 * ({@link BusinessFailureException}, {@link TransientFailureException}); the others report a
 * mistake in how the participant was put together ({@link InvalidParticipantException}) or a
 * command it cannot route ({@link UnroutableCommandException}).
 */
public abstract class ParticipantException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    protected ParticipantException(String message) {
        super(message);
    }

    protected ParticipantException(String message, Throwable cause) {
        super(message, cause);
    }
}
