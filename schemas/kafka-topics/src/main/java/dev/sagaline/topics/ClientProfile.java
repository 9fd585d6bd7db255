package dev.sagaline.topics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;

/**
 * A named set of Kafka Streams and client settings that the orchestrator and the participant
 * library both apply under {@code sagaline.profile}, so one word tunes every application of a saga
 * the same way. A profile only fills in what the user left unset: an explicit setting always wins.
 *
 * <p>Under exactly-once a record becomes visible to the next application only when the
 * transaction that wrote it commits, so a saga's latency is a sum of per-hop waits: for the next
 * commit, for the commit itself, for the next fetch. {@link #LOW_LATENCY} shortens each wait it
 * can, at the cost of more transactions and fetches per second.
 */
public enum ClientProfile {

    /** Kafka Streams' own defaults (a 100 ms commit interval under exactly-once). */
    DEFAULT("default", Map.of()),

    /**
     * Every hop as short as the broker allows: a 10 ms commit interval; a stream thread that polls
     * for at most as long, so it never sits in {@code poll} while a commit is due; fetches answered
     * within 10 ms even when no new committed record has arrived; no producer linger; and a task
     * that processes a record at once instead of waiting for its other input partitions to show data.
     */
    LOW_LATENCY("low-latency", lowLatency());

    /** The key, in both the orchestrator's and the participant's configuration. */
    public static final String CONFIG = "sagaline.profile";

    /** Documentation of {@link #CONFIG}, shared by both configurations. */
    public static final String DOC = "A set of Kafka Streams and client settings applied together: 'default' (Kafka's own)"
            + " or 'low-latency' (commit.interval.ms=10, poll.ms=10, consumer fetch.max.wait.ms=10, producer linger.ms=0,"
            + " max.task.idle.ms=-1). Settings given explicitly win over the profile's.";

    private final String id;
    private final Map<String, Object> settings;

    ClientProfile(String id, Map<String, Object> settings) {
        this.id = id;
        this.settings = settings;
    }

    private static Map<String, Object> lowLatency() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("commit.interval.ms", 10L);
        settings.put("poll.ms", 10L);
        settings.put("consumer.fetch.max.wait.ms", 10);
        settings.put("producer.linger.ms", 0);
        settings.put("max.task.idle.ms", -1L);
        return Map.copyOf(settings);
    }

    /** The name used in {@code sagaline.profile}. */
    public String id() {
        return id;
    }

    /** The Kafka Streams settings (client settings with Kafka Streams' prefixes) this profile sets. */
    public Map<String, Object> settings() {
        return settings;
    }

    /**
     * {@code explicit} with this profile's settings added where the key, or the same client
     * setting without its {@code consumer.}/{@code producer.} prefix, was not given.
     */
    public Map<String, Object> applyTo(Map<String, Object> explicit) {
        Map<String, Object> merged = new LinkedHashMap<>(explicit);
        settings.forEach((key, value) -> {
            String unprefixed = key.replaceFirst("^(consumer|producer)\\.", "");
            if (!explicit.containsKey(key) && !explicit.containsKey(unprefixed) && !explicit.containsKey("main." + key)) {
                merged.put(key, value);
            }
        });
        return merged;
    }

    /**
     * Declares {@value #CONFIG} in {@code definition}, defaulting to {@link #DEFAULT} and accepting
     * only known profile names, so the orchestrator and the participants declare it alike.
     *
     * @return {@code definition}, for chaining
     */
    public static ConfigDef define(ConfigDef definition) {
        return definition.define(CONFIG, ConfigDef.Type.STRING, DEFAULT.id, ConfigDef.ValidString.in(
                Arrays.stream(values()).map(ClientProfile::id).toArray(String[]::new)), ConfigDef.Importance.MEDIUM, DOC);
    }

    /**
     * The profile named {@code id}.
     *
     * @throws IllegalArgumentException naming {@value #CONFIG} and the known profiles
     */
    public static ClientProfile named(String id) {
        String wanted = id == null ? "" : id.trim();
        return Arrays.stream(values()).filter(p -> p.id.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(CONFIG + "='" + id + "' is not a profile; known profiles are "
                        + Arrays.stream(values()).map(ClientProfile::id).collect(Collectors.joining(", "))));
    }
}
