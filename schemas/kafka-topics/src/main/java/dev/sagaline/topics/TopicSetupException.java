package dev.sagaline.topics;

/** Topics could not be created, or did not become ready in time; the message names them and the last problem. */
public final class TopicSetupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    TopicSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
