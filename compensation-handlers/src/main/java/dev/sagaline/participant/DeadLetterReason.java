package dev.sagaline.participant;

/**
 * Why a command went to the participant's dead-letter topic instead of being answered. The name
 * is written to the {@value DeadLetterHeaders#REASON} header of the dead-letter record.
 *
 * <p>All of these are mistakes no retry can fix (a bug or a deployment mismatch between the saga
 * definition and this service), so the command is set aside for a person to look at and
 * processing goes on with the next command. The saga that sent it gets no reply; its step times
 * out in the orchestrator.
 */
public enum DeadLetterReason {
    /** The record's value is not a readable {@code StepCommand} (corrupt bytes, unknown schema id). */
    UNREADABLE_COMMAND,
    /** The record has no value (a tombstone), so there is nothing to answer. */
    EMPTY_COMMAND,
    /** The command's action is {@code UNKNOWN}: written by a newer orchestrator with an action this participant does not know. */
    UNKNOWN_ACTION,
    /** No handler is registered for the command's step and action. */
    NO_HANDLER,
    /** The command has a blank {@code replyTopic}, so a reply could not be delivered. */
    NO_REPLY_TOPIC,
    /**
     * The record's key is not the command's saga id (or is missing): the participant's record of
     * the step lives on the partition of the saga id, so handling it elsewhere could answer a
     * compensation without the forward action it undoes.
     */
    KEY_MISMATCH
}
