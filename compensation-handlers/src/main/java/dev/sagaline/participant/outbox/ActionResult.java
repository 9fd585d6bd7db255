package dev.sagaline.participant.outbox;

import java.util.Objects;

/**
 * What an {@link Action} reports about one attempt: done, try again later (after the scheduler's
 * backoff), or give up now because no retry can help.
 *
 * @param decision what to do with the entry
 * @param reason why it did not succeed; required for RETRY and GIVE_UP, null for DONE
 */
public record ActionResult(Decision decision, String reason) {

    private static final ActionResult DONE = new ActionResult(Decision.DONE, null);

    /** What happens to the entry after an attempt. */
    public enum Decision {
        /** The entry becomes DONE and never runs again. */
        DONE,
        /** The entry stays PENDING and runs again after a backoff, or becomes FAILED after the last allowed attempt. */
        RETRY,
        /** The entry becomes FAILED at once, with the reason. */
        GIVE_UP
    }

    public ActionResult {
        Objects.requireNonNull(decision, "decision");
        if (decision == Decision.DONE) {
            if (reason != null) {
                throw new IllegalArgumentException("a DONE result has no reason");
            }
        } else if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a " + decision + " result needs a reason, so the log says why");
        }
    }

    /** The action succeeded. */
    public static ActionResult done() {
        return DONE;
    }

    /** A transient problem, such as a timeout; the scheduler tries again later. */
    public static ActionResult retry(String reason) {
        return new ActionResult(Decision.RETRY, reason);
    }

    /** A problem no retry can fix, such as a refused request; the entry fails now and keeps the reason. */
    public static ActionResult giveUp(String reason) {
        return new ActionResult(Decision.GIVE_UP, reason);
    }
}
