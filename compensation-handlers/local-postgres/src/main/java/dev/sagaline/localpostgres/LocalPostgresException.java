package dev.sagaline.localpostgres;

/** The local PostgreSQL server could not start, or could not do what was asked of it; the message says which. */
public final class LocalPostgresException extends RuntimeException {

    public LocalPostgresException(String message, Throwable cause) {
        super(message, cause);
    }
}
