package dev.sagaline.schemas.registry;

/**
 * The registry did not answer (refused connection, timeout) or answered with a server error
 * (5xx, 408, 429): the same request may well succeed later, so a record whose schema could not
 * be looked up is not bad input and must not be dead-lettered. Any other
 * {@link SchemaRegistryException} is a definite answer, such as "no schema has this id".
 */
public class SchemaRegistryUnavailableException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    public SchemaRegistryUnavailableException(String message) {
        super(message);
    }

    public SchemaRegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** True when {@code e} or one of its causes says the registry is unavailable. */
    public static boolean isCauseOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryUnavailableException) {
                return true;
            }
        }
        return false;
    }
}
