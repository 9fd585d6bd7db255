package dev.sagaline.participant;

/**
 * The {@code errorCode}s the participant library itself puts in {@code FAILED} and
 * {@code RETRYABLE_ERROR} replies, without calling a handler (or when a handler broke its
 * contract). Handler-chosen codes never start with {@code SAGALINE_}.
 */
public final class ParticipantErrorCodes {

    /**
     * FAILED: a DO or TRY arrived after the step was compensated or cancelled (anti-hanging). The
     * late forward action is refused so it cannot leave an effect nothing will ever undo.
     */
    public static final String ALREADY_ROLLED_BACK = "SAGALINE_ALREADY_ROLLED_BACK";
    /** FAILED: a CANCEL or COMPENSATE arrived after the step was confirmed. */
    public static final String ALREADY_CONFIRMED = "SAGALINE_ALREADY_CONFIRMED";
    /** FAILED: a CONFIRM arrived after the step was cancelled (or compensated). */
    public static final String ALREADY_CANCELLED = "SAGALINE_ALREADY_CANCELLED";
    /** FAILED: a CONFIRM arrived for a step whose TRY this participant never completed successfully. */
    public static final String NOT_TRIED = "SAGALINE_NOT_TRIED";
    /**
     * FAILED: the command's input payload does not decode into the handler's input type; the
     * handler was not called. For a DO or TRY this counts as a refusal without side effects.
     */
    public static final String INVALID_INPUT = "SAGALINE_INVALID_INPUT";
    /**
     * FAILED: the handler ran, but the reply it made would be larger than the participant may write
     * ({@value ParticipantConfig#REPLY_MAX_BYTES_CONFIG}); the command went to the dead-letter topic.
     * Unlike a refusal, the action may have had its effect, so a compensation or cancellation of
     * the step calls its handler.
     */
    public static final String REPLY_TOO_LARGE = "SAGALINE_REPLY_TOO_LARGE";
    /** RETRYABLE_ERROR: the handler returned {@code null} instead of a {@link StepResult}. */
    public static final String NULL_RESULT = "SAGALINE_NULL_RESULT";

    private ParticipantErrorCodes() {
    }
}
