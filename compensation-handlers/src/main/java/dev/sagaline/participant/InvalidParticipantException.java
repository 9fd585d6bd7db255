package dev.sagaline.participant;

/**
 * Thrown while a participant is being put together when the handlers registered do not make
 * sense: two handlers for the same step and action, a step registered both as compensatable and
 * as TCC, a blank step name, no handlers at all. The message names the step and says how to fix
 * it. Invalid configuration values are reported by {@link ParticipantConfig} with Kafka's
 * {@link org.apache.kafka.common.config.ConfigException}, which names the key.
 */
public class InvalidParticipantException extends ParticipantException {

    private static final long serialVersionUID = 1L;

    public InvalidParticipantException(String message) {
        super(message);
    }
}
