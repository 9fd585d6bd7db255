package dev.sagaline.participant;

import dev.sagaline.protocol.DeadLetterHeaders;
import dev.sagaline.protocol.DeadLetterReason;
import dev.sagaline.protocol.v1.StepReply;
import java.util.Objects;

/**
 * What {@link CommandDispatcher#dispatch} did with one command: answered it, noted a finish
 * notice (which gets no reply), or set it aside for the dead-letter topic.
 */
public sealed interface DispatchResult permits DispatchResult.Replied, DispatchResult.Noted, DispatchResult.DeadLettered {

    /**
     * The command is answered with {@code reply}.
     *
     * @param reply the reply to send to the command's reply topic
     * @param duplicate true when the command id was answered before and {@code reply} is the
     *     remembered answer; nothing was called or written
     * @param deadLetter null, unless the command also goes to the dead-letter topic: the handler's
     *     own reply could not be sent (too large), so {@code reply} is the FAILED one that replaces it
     */
    record Replied(StepReply reply, boolean duplicate, DeadLettered deadLetter) implements DispatchResult {
        public Replied {
            Objects.requireNonNull(reply, "reply");
        }

        /** A reply with no dead letter. */
        public Replied(StepReply reply, boolean duplicate) {
            this(reply, duplicate, null);
        }
    }

    /**
     * The orchestrator's FORGET notice that saga {@code sagaId} finished was recorded; nothing is
     * sent back. From now on the saga's entries are kept for the retention only.
     *
     * @param sagaId the finished saga
     */
    record Noted(String sagaId) implements DispatchResult {
        public Noted {
            Objects.requireNonNull(sagaId, "sagaId");
        }
    }

    /**
     * The command cannot be answered and goes to the dead-letter topic.
     *
     * @param reason the category, written to the {@value DeadLetterHeaders#REASON} header
     * @param detail a human-readable explanation, written to the {@value DeadLetterHeaders#DETAIL} header
     */
    record DeadLettered(DeadLetterReason reason, String detail) implements DispatchResult {
        public DeadLettered {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
