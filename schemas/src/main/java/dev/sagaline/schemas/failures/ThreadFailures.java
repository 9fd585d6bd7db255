package dev.sagaline.schemas.failures;

import dev.sagaline.schemas.registry.SchemaRegistryUnavailableException;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Which failures of a Kafka Streams stream thread a new thread gets past, for the orchestrator and
 * the participants alike. Such a failure says nothing about the records: the thread stopped
 * because something outside it was briefly unavailable or changed under it, and a new thread
 * reads again from the last commit, exactly-once, so replacing it loses and repeats nothing. Any
 * other failure shuts the instance down instead of replacing its thread in a loop.
 *
 * <p>The table is the policy; the uncaught-exception handlers only carry out its verdict.
 */
public final class ThreadFailures {

    /** One row: a cause found anywhere in the failure's cause chain, and why a new thread gets past it. */
    public record Transient(Class<? extends Throwable> cause, String why) {
    }

    private static final List<Transient> TRANSIENT = List.of(
            new Transient(SchemaRegistryUnavailableException.class,
                    "a valid record waits for the schema registry"),
            new Transient(InvalidTxnStateException.class,
                    "the broker's state of the thread's transaction changed under its producer (a broker restarted mid-commit)"),
            new Transient(InvalidProducerEpochException.class,
                    "the broker bumped the producer's epoch (its transaction timed out or a broker restarted)"),
            new Transient(TimeoutException.class,
                    "the broker did not answer in time"));

    private ThreadFailures() {
    }

    /** The row that makes {@code failure} one a new thread gets past; empty when the instance should shut down. */
    public static Optional<Transient> transientCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            for (Transient row : TRANSIENT) {
                if (row.cause().isInstance(t)) {
                    return Optional.of(row);
                }
            }
        }
        return Optional.empty();
    }
}
