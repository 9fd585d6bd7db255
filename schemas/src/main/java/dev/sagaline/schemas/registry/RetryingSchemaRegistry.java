package dev.sagaline.schemas.registry;

import java.time.Duration;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries the calls of another registry while it is unavailable
 * ({@link SchemaRegistryUnavailableException}), with a backoff that doubles from
 * {@value #FIRST_BACKOFF_MS} ms up to {@value #MAX_BACKOFF_MS} ms, for at most {@code patience}.
 * A serde calls the registry on the stream thread, so while it waits that thread's processing is
 * paused, which is the back-pressure wanted: the record is neither skipped nor dead-lettered.
 * After {@code patience} the last unavailability is thrown; Sagaline's deserialization handlers then
 * fail the stream thread instead of dead-lettering, and the thread is replaced and reads the
 * record again. A definite answer (no such schema id) is never retried.
 */
public final class RetryingSchemaRegistry implements SchemaRegistry {

    static final long FIRST_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 5_000;

    private static final Logger log = LoggerFactory.getLogger(RetryingSchemaRegistry.class);

    private final SchemaRegistry delegate;
    private final Duration patience;

    /**
     * @param patience how long one call may keep retrying; keep it well below the consumer's
     *     {@code max.poll.interval.ms}, or the group evicts the waiting instance
     */
    public RetryingSchemaRegistry(SchemaRegistry delegate, Duration patience) {
        this.delegate = delegate;
        this.patience = patience;
    }

    @Override
    public int register(String subject, Schema schema) {
        return retrying(() -> delegate.register(subject, schema), "register subject '" + subject + "'");
    }

    @Override
    public int lookUp(String subject, Schema schema) {
        return retrying(() -> delegate.lookUp(subject, schema), "look up subject '" + subject + "'");
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return retrying(() -> delegate.latest(subject), "fetch the latest schema of subject '" + subject + "'");
    }

    @Override
    public Schema schemaById(int id) {
        return retrying(() -> delegate.schemaById(id), "fetch schema id " + id);
    }

    @Override
    public void prime(Schema schema) {
        delegate.prime(schema);
    }

    private <T> T retrying(Supplier<T> call, String what) {
        long deadline = System.nanoTime() + patience.toNanos();
        long backoff = FIRST_BACKOFF_MS;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (SchemaRegistryUnavailableException e) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new SchemaRegistryUnavailableException("schema registry still unavailable after " + attempt
                            + " attempts in " + patience + " to " + what + ": " + e.getMessage(), e);
                }
                log.warn("schema registry unavailable (attempt {} to {}), retrying in {} ms: {}", attempt, what, Math.min(backoff, left), e.getMessage());
                sleep(Math.min(backoff, left));
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryUnavailableException("interrupted while waiting for the schema registry", e);
        }
    }

    @Override
    public String toString() {
        return delegate + " (retried for up to " + patience + " while unavailable)";
    }
}
