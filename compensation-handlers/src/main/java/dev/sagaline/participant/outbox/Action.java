package dev.sagaline.participant.outbox;

/**
 * The work behind a {@link TransactionLog} entry, run by the {@link RetryScheduler} until it
 * reports {@link ActionResult#done()} or gives up: typically sending a Kafka message or calling
 * another service about a change the service already committed.
 *
 * <p>Runs at least once per entry: if the process dies after the action and before its result
 * is recorded, it runs again. Make it idempotent on {@link TransactionLogEntry#id()}.
 */
@FunctionalInterface
public interface Action {

    /**
     * @param entry the due entry; {@code entry.attempts()} counts the attempts before this one
     * @return {@link ActionResult#done()}, {@link ActionResult#retry(String)} or
     *     {@link ActionResult#giveUp(String)}. An exception counts as a retry, with the exception
     *     as the reason.
     */
    ActionResult run(TransactionLogEntry entry) throws Exception;
}
