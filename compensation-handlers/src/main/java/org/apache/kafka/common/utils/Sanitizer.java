package org.apache.kafka.common.utils;

/**
 * A bridge for Debezium 3.6, which is built against Kafka 4.3 and calls this class to name its
 * JMX metrics; Kafka 4.4 moved it to {@code org.apache.kafka.common.utils.internals}. Only the
 * CDC relay needs it. Delete it once the pinned Debezium is built against Kafka 4.4
 * ({@code CdcRelayIT} fails at engine start without it: NoClassDefFoundError).
 */
public final class Sanitizer {

    private Sanitizer() {
    }

    /** As Kafka 4.3's: URL-encodes a name for use in a client id or metric tag. */
    public static String sanitize(String name) {
        return org.apache.kafka.common.utils.internals.Sanitizer.sanitize(name);
    }

    /** As Kafka 4.3's: the inverse of {@link #sanitize(String)}. */
    public static String desanitize(String name) {
        return org.apache.kafka.common.utils.internals.Sanitizer.desanitize(name);
    }

    /** As Kafka 4.3's: quotes a value for a JMX object name when it holds characters JMX reserves. */
    public static String jmxSanitize(String name) {
        return org.apache.kafka.common.utils.internals.Sanitizer.jmxSanitize(name);
    }
}
