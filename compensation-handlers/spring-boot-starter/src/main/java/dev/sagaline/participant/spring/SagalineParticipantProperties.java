package dev.sagaline.participant.spring;

import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The participant's settings from {@code application.yml}, under {@code sagaline.participant}:
 *
 * <pre>{@code
 * sagaline:
 *   participant:
 *     application-id: hotel
 *     bootstrap-servers: kafka-0:9092
 *     command-topic: hotel.commands
 *     schema-registry-url: http://registry:8081
 *     properties:                 # any Kafka Streams or client setting
 *       num.stream.threads: 2
 *       security.protocol: SASL_SSL
 * }</pre>
 *
 * Checked when the participant is built, at context start-up; a wrong value stops the context
 * with a message naming the key.
 *
 * @param enabled false leaves the participant out (the handlers stay ordinary beans)
 * @param applicationId the Kafka Streams application id of the service (required)
 * @param bootstrapServers the Kafka cluster (required)
 * @param commandTopic the topic the orchestrator sends this service's commands to (required)
 * @param deadLetterTopic where unreadable and unroutable commands go; empty for {@code <application-id>.dlq}
 * @param schemaRegistryUrl the schema registry of commands, replies and payloads; empty for the
 *     {@code SchemaRegistry} bean if there is one, else the in-process default
 * @param processedRetention how long answered commands are remembered; null for the library's default
 * @param closeTimeout how long stopping the context waits for the participant to finish the command in hand
 * @param properties further Kafka Streams and client settings, passed through unchanged
 */
@ConfigurationProperties("sagaline.participant")
public record SagalineParticipantProperties(
        @DefaultValue("true") boolean enabled,
        String applicationId,
        String bootstrapServers,
        String commandTopic,
        @DefaultValue("") String deadLetterTopic,
        @DefaultValue("") String schemaRegistryUrl,
        Duration processedRetention,
        @DefaultValue("30s") Duration closeTimeout,
        Map<String, String> properties) {

    public SagalineParticipantProperties {
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    /** The settings with the passed-through ones by name only: their values may be passwords or JAAS lines. */
    @Override
    public String toString() {
        return "SagalineParticipantProperties[enabled=" + enabled + ", applicationId=" + applicationId + ", bootstrapServers="
                + bootstrapServers + ", commandTopic=" + commandTopic + ", deadLetterTopic=" + deadLetterTopic + ", schemaRegistryUrl="
                + schemaRegistryUrl + ", processedRetention=" + processedRetention + ", closeTimeout=" + closeTimeout
                + ", properties=" + new TreeSet<>(properties.keySet()) + " (values hidden)]";
    }
}
