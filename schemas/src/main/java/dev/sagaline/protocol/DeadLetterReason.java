package dev.sagaline.protocol;

import java.util.Locale;

/**
 * Why the orchestrator or a participant sent a record to its dead-letter topic instead of acting
 * on it: one vocabulary for both, written by name to the {@value DeadLetterHeaders#REASON} header,
 * so one alert or one re-publishing script serves every dead-letter topic.
 *
 * <p>All of these are mistakes no retry can fix (a bug, corrupt data, or a deployment mismatch
 * between a saga definition and a service), so the record is set aside for a person to look at
 * and processing goes on with the next one. Nothing valid is dead-lettered while the schema
 * registry is unreachable: that fails the stream thread instead, which reads the record again.
 */
public enum DeadLetterReason {
    /** The value does not decode: corrupt bytes, an unknown schema id, a value over the decoder's limits. */
    UNDECODABLE,
    /**
     * Orchestrator: a decoded request or reply it cannot act on: a tombstone, a key that is not its
     * saga id, an unknown saga type, saga or step.
     */
    INVALID_INPUT,
    /** Participant: the command record has no value (a tombstone), so there is nothing to answer. */
    EMPTY_COMMAND,
    /** Participant: the command's action is {@code UNKNOWN}, written by a newer orchestrator with an action it does not know. */
    UNKNOWN_ACTION,
    /** Participant: no handler is registered for the command's step and action. */
    NO_HANDLER,
    /** Participant: the command has a blank {@code replyTopic}, so a reply could not be delivered. */
    NO_REPLY_TOPIC,
    /**
     * Participant: the record's key is not the command's saga id (or is missing): the participant's
     * record of the step lives on the partition of the saga id, so handling it elsewhere could answer
     * a compensation without the forward action it undoes.
     */
    KEY_MISMATCH,
    /**
     * Participant: the handler ran, but its reply would be larger than the participant may write
     * ({@code sagaline.participant.reply.max.bytes}), which the producer would refuse on every
     * retry. The step is answered FAILED instead, so the saga compensates it, and the command is
     * kept here.
     */
    REPLY_TOO_LARGE;

    /** The reason as a metric tag value: lower case, words joined by '-' ({@code invalid-input}). */
    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
