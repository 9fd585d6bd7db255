package dev.sagaline.participant;

/**
 * Thrown by {@link Participant#awaitRunning(java.time.Duration)} when the participant did not
 * start processing commands in time, or stopped (an error, a close) before it did. The message
 * gives the Kafka Streams state it was left in.
 */
public class ParticipantNotRunningException extends ParticipantException {

    private static final long serialVersionUID = 1L;

    public ParticipantNotRunningException(String message) {
        super(message);
    }

    public ParticipantNotRunningException(String message, Throwable cause) {
        super(message, cause);
    }
}
