package dev.sagaline.orchestrator.internals.yaml;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the durations of definition files: a whole number with a unit ({@code 500ms}, {@code 30s},
 * {@code 5m}, {@code 2h}, {@code 1d}) or ISO-8601 ({@code PT30S}, {@code P1D}). A leading minus
 * is read, so that a negative value is refused by the definition's rules rather than as a typo.
 */
final class Durations {

    /** How the accepted formats are described in error messages. */
    static final String FORMATS = "500ms, 30s, 5m, 2h, 1d or ISO-8601 such as PT30S";

    private static final Pattern SHORT = Pattern.compile("(-?\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /** The duration {@code text} spells, or empty when it is in none of the {@link #FORMATS}. */
    static Optional<Duration> parse(String text) {
        String trimmed = text.trim();
        Matcher m = SHORT.matcher(trimmed);
        try {
            if (m.matches()) {
                long amount = Long.parseLong(m.group(1));
                return Optional.of(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                });
            }
            if (trimmed.startsWith("P") || trimmed.startsWith("-P")) {
                return Optional.of(Duration.parse(trimmed));
            }
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
