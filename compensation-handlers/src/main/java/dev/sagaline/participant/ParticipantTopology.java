package dev.sagaline.participant;

import dev.sagaline.participant.internals.TopologyFactory;
import dev.sagaline.schemas.registry.SchemaRegistry;
import org.apache.kafka.streams.Topology;

/**
 * The participant's Kafka Streams topology and the fixed names of its parts.
 *
 * <pre>
 * command topic ─▶ {@value #SOURCE} ─▶ {@value #DISPATCHER} ─┬▶ {@value #REPLY_SINK} ─▶ each command's replyTopic
 *                                          │ stores          └▶ {@value #DEAD_LETTER_SINK} ─▶ dead-letter topic
 *                      {@value #PROCESSED_STORE}, {@value #PROCESSED_BY_TIME_STORE}
 * </pre>
 *
 * <p>The names are part of the deployment: the stores' changelog topics are
 * {@code <application.id>-<store>-changelog}, so renaming a store would start the participant with
 * no memory of the commands it answered. They are constants for that reason, and a test pins the
 * whole {@code describe()} output.
 *
 * <p>Build it with {@link Participant#buildTopology()} (which also gives the matching
 * {@link Participant#streamsProperties()}) to run it in a {@code TopologyTestDriver}.
 */
public final class ParticipantTopology {

    /** The source node reading the command topic. */
    public static final String SOURCE = "sagaline-participant-commands";
    /** The processor that answers commands. */
    public static final String DISPATCHER = "sagaline-participant-dispatcher";
    /** The sink writing each reply to its command's replyTopic. */
    public static final String REPLY_SINK = "sagaline-participant-replies";
    /** The sink writing unroutable commands to the dead-letter topic. */
    public static final String DEAD_LETTER_SINK = "sagaline-participant-dead-letters";
    /** The store of replies by command id and of step states by saga and step. */
    public static final String PROCESSED_STORE = "sagaline-participant-processed";
    /**
     * The index of {@link #PROCESSED_STORE}: entries of unfinished sagas by saga (never expired),
     * and those of finished sagas by time, so the retention purge reads only expired entries.
     */
    public static final String PROCESSED_BY_TIME_STORE = "sagaline-participant-processed-by-time";
    /** The metric group of the participant's own metrics, such as {@value #UNFINISHED_EXPIRED_METRIC}. */
    public static final String METRICS_GROUP = "sagaline-participant-metrics";
    /**
     * Counts (per task-id tag) entries the purge removed by time although no finish notice came
     * for their saga; only entries written before finish notices existed can be counted here.
     */
    public static final String UNFINISHED_EXPIRED_METRIC = "unfinished-entries-expired-total";
    /**
     * Counts (per task-id and reason tag, the reason as {@code DeadLetterReason.tag()}) the commands
     * the dispatcher sent to the dead-letter topic; unreadable commands are counted by Kafka Streams'
     * own {@code dropped-records} metrics.
     */
    public static final String DEAD_LETTERS_METRIC = "dead-letters-total";

    private ParticipantTopology() {
    }

    /** Builds the topology for {@code handlers}, reading and writing through {@code registry}. */
    public static Topology build(ParticipantConfig config, ParticipantHandlers handlers, SchemaRegistry registry) {
        return TopologyFactory.build(config, handlers, registry);
    }
}
