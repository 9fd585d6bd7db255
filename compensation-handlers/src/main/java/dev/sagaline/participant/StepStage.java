package dev.sagaline.participant;

/**
 * The two replies a {@link ProcessedCommandStore} remembers per saga and step, from which the
 * dispatcher works out where the step stands (never handled, done, refused, confirmed, rolled back).
 */
public enum StepStage {
    /**
     * The latest reply to the step's forward action (DO or TRY). SUCCEEDED and FAILED are final
     * and answered again to any later retry; RETRYABLE_ERROR only records that the handler ran,
     * so the next attempt calls it again and a rollback calls the compensation.
     */
    FORWARD,
    /** The successful CONFIRM, COMPENSATE or CANCEL that closed the step; later commands are answered from it. */
    CLOSING
}
