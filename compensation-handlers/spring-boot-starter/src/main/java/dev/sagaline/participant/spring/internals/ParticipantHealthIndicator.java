package dev.sagaline.participant.spring.internals;

import dev.sagaline.participant.Participant;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The participant's health from its Kafka Streams state: UP while it runs or rebalances, DOWN once
 * it has failed or stopped (it answers no commands then), OUT_OF_SERVICE before it has started.
 */
public final class ParticipantHealthIndicator implements HealthIndicator {

    private final ParticipantLifecycle lifecycle;

    public ParticipantHealthIndicator(ParticipantLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public Health health() {
        Participant participant = lifecycle.participant();
        KafkaStreams.State state = lifecycle.state();
        Health.Builder health = switch (state) {
            case RUNNING, REBALANCING -> Health.up();
            case CREATED -> Health.outOfService();
            default -> participant == null ? Health.outOfService() : Health.down();
        };
        health.withDetail("state", state.name());
        if (participant != null) {
            health.withDetail("applicationId", participant.config().applicationId())
                    .withDetail("commandTopic", participant.config().commandTopic())
                    .withDetail("steps", participant.handlers().steps());
        }
        return health.build();
    }
}
