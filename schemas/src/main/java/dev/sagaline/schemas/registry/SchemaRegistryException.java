package dev.sagaline.schemas.registry;

/**
 * Thrown when a schema registry refuses a request, does not know an id, or cannot be reached.
 * Serdes wrap it in Kafka's {@code SerializationException} together with the topic concerned.
 */
public class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SchemaRegistryException(String message) {
        super(message);
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
