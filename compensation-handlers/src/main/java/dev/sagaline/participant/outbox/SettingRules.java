package dev.sagaline.participant.outbox;

import java.time.Duration;
import java.util.Objects;

/**
 * The checks the builders of the relays and the retry scheduler apply to their settings, written
 * once so every refusal reads the same: "{@code <owner> <setting> must ..., not <value>}".
 */
final class SettingRules {

    /** The most rows or entries one pass of a relay or scheduler may take. */
    static final int MAX_BATCH_SIZE = 10_000;

    private SettingRules() {
    }

    /** {@code batchSize} if it is between 1 and {@value #MAX_BATCH_SIZE}. */
    static int batchSize(String owner, int batchSize) {
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException(owner + " batchSize must be between 1 and " + MAX_BATCH_SIZE + ", not " + batchSize);
        }
        return batchSize;
    }

    /** {@code value} if it is longer than zero. */
    static Duration positive(String owner, String setting, Duration value) {
        Objects.requireNonNull(value, setting);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(owner + " " + setting + " must be positive, not " + value);
        }
        return value;
    }

    /** {@code value} if it is zero or longer. */
    static Duration notNegative(String owner, String setting, Duration value) {
        Objects.requireNonNull(value, setting);
        if (value.isNegative()) {
            throw new IllegalArgumentException(owner + " " + setting + " must not be negative, not " + value);
        }
        return value;
    }
}
