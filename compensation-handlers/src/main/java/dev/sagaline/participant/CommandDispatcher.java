package dev.sagaline.participant;

import dev.sagaline.participant.internals.CommandVerdicts;
import dev.sagaline.participant.internals.ReplySizeLimit;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.serde.Payloads;
import java.time.Clock;
import java.util.Objects;

/**
 * The participant's core without Kafka: turns one {@link StepCommand} into its {@link StepReply}
 * (or a dead-letter verdict), with the same rules the Kafka runtime applies, over any
 * {@link ProcessedCommandStore}. The Kafka Streams processor runs one per task over its state
 * stores; the orchestrator's in-process test harness can run real participant handlers with
 *
 * <pre>{@code
 * CommandDispatcher inventory = CommandDispatcher.inMemory(handlers, Payloads.withRegistry(registry));
 * StepReply reply = inventory.handle(command);   // throws UnroutableCommandException instead of dead-lettering
 * }</pre>
 *
 * <p>Rules, in order: a command with an UNKNOWN action, no handler for its step and action, or no
 * reply topic is dead-lettered; a command id answered before gets the remembered reply without a
 * call; otherwise the step's state decides (empty rollback, anti-hanging, TCC idempotence, as
 * described on {@link CompensationHandler} and {@link TccHandler}), and the handler is called
 * only when the step's state allows it. A retryable reply is remembered for its command id but
 * does not settle the step, so a retry with a new command id calls the handler again. Only the
 * Kafka runtime limits a reply's size ({@value ParticipantConfig#REPLY_MAX_BYTES_CONFIG}); the
 * caller of this dispatcher writes the replies itself.
 *
 * <p>Not thread-safe: one dispatcher per thread, as stream tasks are.
 */
public final class CommandDispatcher {

    private final CommandVerdicts dispatch;
    private final Clock clock;

    private CommandDispatcher(CommandVerdicts dispatch, Clock clock) {
        this.dispatch = dispatch;
        this.clock = clock;
    }

    /**
     * A dispatcher over {@code store}.
     *
     * @param payloads decodes inputs and encodes outputs; use the registry the orchestrator's payloads use
     * @param clock the time {@link #handle(StepCommand)} writes into replies
     */
    public static CommandDispatcher create(ParticipantHandlers handlers, Payloads payloads, ProcessedCommandStore store,
            Clock clock) {
        return new CommandDispatcher(new CommandVerdicts(Objects.requireNonNull(handlers, "handlers"),
                Objects.requireNonNull(payloads, "payloads"), Objects.requireNonNull(store, "store"), ReplySizeLimit.none()),
                Objects.requireNonNull(clock, "clock"));
    }

    /** A dispatcher over a new in-memory store, stamping replies with the system clock. */
    public static CommandDispatcher inMemory(ParticipantHandlers handlers, Payloads payloads) {
        return create(handlers, payloads, ProcessedCommandStore.inMemory(), Clock.systemUTC());
    }

    /**
     * Answers {@code command} or says why it goes to the dead-letter topic.
     *
     * @param nowMs the time written into a new reply and the store entries
     */
    public DispatchResult dispatch(StepCommand command, long nowMs) {
        return dispatch.dispatch(Objects.requireNonNull(command, "command"), nowMs);
    }

    /**
     * Answers {@code command} at the clock's time.
     *
     * @return the reply to send, or null for a FORGET notice, which gets none
     * @throws UnroutableCommandException when the Kafka runtime would dead-letter the command
     */
    public StepReply handle(StepCommand command) {
        DispatchResult result = dispatch(command, clock.millis());
        if (result instanceof DispatchResult.DeadLettered deadLettered) {
            throw new UnroutableCommandException(deadLettered.reason(), deadLettered.detail());
        }
        return result instanceof DispatchResult.Replied replied ? replied.reply() : null;
    }

    /** The store this dispatcher remembers replies in. */
    public ProcessedCommandStore store() {
        return dispatch.store();
    }
}
