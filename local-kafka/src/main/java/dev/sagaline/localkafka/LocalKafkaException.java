package dev.sagaline.localkafka;

/**
 * The one exception type of this module: the broker could not start, stopped answering, or a
 * topic did not become usable in time. Messages name the port, exit code or topic involved and,
 * for start-up failures, end with the broker's last log lines.
 */
public class LocalKafkaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LocalKafkaException(String message) {
        super(message);
    }

    public LocalKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
