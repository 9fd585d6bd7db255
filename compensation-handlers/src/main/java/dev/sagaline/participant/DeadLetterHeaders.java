package dev.sagaline.participant;

/**
 * The headers the participant adds to every record it writes to its dead-letter topic. The
 * record keeps the original key, value and headers, so it can be re-published to the command
 * topic once the cause is fixed.
 */
public final class DeadLetterHeaders {

    /** A {@link DeadLetterReason} name. */
    public static final String REASON = "sagaline.dlq.reason";
    /** A human-readable explanation naming the step, action or exception concerned. */
    public static final String DETAIL = "sagaline.dlq.detail";
    /** The class name of the exception that made the command unreadable, when there was one. */
    public static final String EXCEPTION = "sagaline.dlq.exception";
    /** The topic the command was read from. */
    public static final String SOURCE_TOPIC = "sagaline.dlq.source.topic";
    /** The partition the command was read from, as decimal text. */
    public static final String SOURCE_PARTITION = "sagaline.dlq.source.partition";
    /** The offset the command was read from, as decimal text. */
    public static final String SOURCE_OFFSET = "sagaline.dlq.source.offset";

    private DeadLetterHeaders() {
    }
}
