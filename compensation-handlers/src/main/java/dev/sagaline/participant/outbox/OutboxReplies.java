package dev.sagaline.participant.outbox;

import dev.sagaline.participant.StepResult;
import dev.sagaline.participant.UnroutableCommandException;
import dev.sagaline.protocol.DeadLetterReason;
import dev.sagaline.protocol.v1.Payload;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepReplies;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.time.Clock;
import java.util.Objects;

/**
 * Builds outbox messages that answer the orchestrator's step commands, for a service that
 * consumes its commands itself and must reply in the same database transaction as its work.
 *
 * <p>The message goes to the command's {@code replyTopic}, keyed by saga id (the orchestrator's
 * partitioning key), with the {@code StepReply} in the protocol's wire format. Its id is
 * {@code "reply:" + commandId}: appending a second reply for the same command fails on the outbox's
 * unique message id while the first is still in the table, and a reply the relay sends twice is
 * ignored by the orchestrator, which matches replies by command id.
 *
 * <p>Only the reply is built here. The rules a {@link dev.sagaline.participant.Participant}
 * applies before calling a handler (answering duplicates from memory, empty rollback,
 * anti-hanging, TCC ordering) are the service's own job on this path; see the package
 * documentation.
 */
public final class OutboxReplies {

    /** Prefix of every reply message's id, keeping reply ids apart from the service's own event ids. */
    public static final String ID_PREFIX = "reply:";

    private final ProtocolSerdes serdes;
    private final Payloads payloads;
    private final Clock clock;

    /**
     * @param serdes the protocol serdes, on the registry the orchestrator reads with; step outputs
     *     are encoded through the same registry
     * @param clock stamps {@code repliedAtMs} and the message's {@code createdAt}
     */
    public OutboxReplies(ProtocolSerdes serdes, Clock clock) {
        this.serdes = Objects.requireNonNull(serdes, "serdes");
        this.payloads = Payloads.withRegistry(serdes.registry());
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The reply to {@code command} with the handler's {@code result}: outcome, error code and
     * message, and the output record encoded as the reply's payload.
     *
     * @throws UnroutableCommandException when the command has no reply topic, which the
     *     participant runtime would dead-letter
     */
    public OutboxMessage reply(StepCommand command, StepResult result) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(result, "result");
        requireReplyTopic(command);
        Payload output = result.output() == null ? null : payloads.encode(result.output());
        StepReply reply = StepReplies.to(command, clock.instant())
                .answer(result.outcome(), output, result.errorCode(), result.errorMessage());
        return reply(command.getReplyTopic(), reply);
    }

    /** A message carrying a reply built elsewhere to {@code replyTopic}, keyed by its saga id. */
    public OutboxMessage reply(String replyTopic, StepReply reply) {
        Objects.requireNonNull(replyTopic, "replyTopic");
        Objects.requireNonNull(reply, "reply");
        return OutboxMessage.of(ID_PREFIX + reply.getCommandId(), replyTopic, reply.getSagaId(),
                serdes.replies().serialize(replyTopic, reply), clock.instant());
    }

    private static void requireReplyTopic(StepCommand command) {
        if (command.getReplyTopic() == null || command.getReplyTopic().isBlank()) {
            throw new UnroutableCommandException(DeadLetterReason.NO_REPLY_TOPIC, "command " + command.getCommandId()
                    + " for saga " + command.getSagaId() + " step '" + command.getStep() + "' has no reply topic");
        }
    }
}
