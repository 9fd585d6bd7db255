package dev.sagaline.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sagaline.docs.SettingsTable;
import dev.sagaline.participant.example.ReserveStock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The participant's settings are checked when it is built, with messages that name the key. */
class ParticipantConfigTest {

    private static Map<String, Object> valid() {
        Map<String, Object> props = new HashMap<>();
        props.put(ParticipantConfig.APPLICATION_ID_CONFIG, "inventory");
        props.put(ParticipantConfig.COMMAND_TOPIC_CONFIG, "inventory.commands");
        return props;
    }

    @Test
    void defaultsTheDeadLetterTopicRetentionAndRegistry() {
        ParticipantConfig config = new ParticipantConfig(valid());

        assertThat(config.deadLetterTopic()).isEqualTo("inventory.dlq");
        assertThat(config.processedRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.purgeInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.schemaRegistryUrl()).isEqualTo("memory://sagaline");
    }

    @Test
    void theLowLatencyProfileTunesKafkaStreamsUnlessASettingIsGiven() {
        Participant participant = Participant.builder().applicationId("inventory").commandTopic("inventory.commands")
                .property(ParticipantConfig.PROFILE_CONFIG, "low-latency").property("commit.interval.ms", 25)
                .onDo("reserve-stock", ReserveStock.class, (command, context) -> StepResult.succeeded()).build();

        assertThat(participant.streamsProperties()).containsEntry("commit.interval.ms", 25).containsEntry("poll.ms", 10L)
                .containsEntry("producer.linger.ms", 0).doesNotContainKey(ParticipantConfig.PROFILE_CONFIG);
    }

    @Test
    void namesAnUnknownProfile() {
        Map<String, Object> props = valid();
        props.put(ParticipantConfig.PROFILE_CONFIG, "fastest");

        assertThatThrownBy(() -> new ParticipantConfig(props))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ParticipantConfig.PROFILE_CONFIG);
    }

    @Test
    void namesAReplyLimitTheProducerWouldNotTakeWithBothKeys() {
        Map<String, Object> props = valid();
        props.put("producer.max.request.size", 500_000);
        props.put(ParticipantConfig.REPLY_MAX_BYTES_CONFIG, 499_000);

        assertThatThrownBy(() -> new ParticipantConfig(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(ParticipantConfig.REPLY_MAX_BYTES_CONFIG + "=499000")
                .hasMessageContaining("producer.max.request.size=500000");
        props.put(ParticipantConfig.REPLY_MAX_BYTES_CONFIG, 498_976);
        assertThat(new ParticipantConfig(props).replyMaxBytes()).isEqualTo(498_976);
    }

    @Test
    void namesAReplyLimitTooSmallForAnyReply() {
        Map<String, Object> props = valid();
        props.put(ParticipantConfig.REPLY_MAX_BYTES_CONFIG, 100);

        assertThatThrownBy(() -> new ParticipantConfig(props))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ParticipantConfig.REPLY_MAX_BYTES_CONFIG);
    }

    @Test
    void namesAMissingCommandTopic() {
        Map<String, Object> props = valid();
        props.remove(ParticipantConfig.COMMAND_TOPIC_CONFIG);

        assertThatThrownBy(() -> new ParticipantConfig(props))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ParticipantConfig.COMMAND_TOPIC_CONFIG);
    }

    @Test
    void namesAMissingApplicationId() {
        Map<String, Object> props = valid();
        props.remove(ParticipantConfig.APPLICATION_ID_CONFIG);

        assertThatThrownBy(() -> new ParticipantConfig(props))
                .isInstanceOf(ConfigException.class).hasMessageContaining("application.id");
    }

    @Test
    void namesANonPositiveRetention() {
        Map<String, Object> props = valid();
        props.put(ParticipantConfig.PROCESSED_RETENTION_MS_CONFIG, 0L);

        assertThatThrownBy(() -> new ParticipantConfig(props))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ParticipantConfig.PROCESSED_RETENTION_MS_CONFIG);
    }

    @Test
    void namesAnInvalidTopicName() {
        Map<String, Object> props = valid();
        props.put(ParticipantConfig.DEAD_LETTER_TOPIC_CONFIG, "dead letters");

        assertThatThrownBy(() -> new ParticipantConfig(props))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ParticipantConfig.DEAD_LETTER_TOPIC_CONFIG);
    }

    @Test
    void namesAnUnsupportedRegistryUrl() {
        Map<String, Object> props = valid();
        props.put(ParticipantConfig.SCHEMA_REGISTRY_URL_CONFIG, "ftp://registry");

        assertThatThrownBy(() -> new ParticipantConfig(props))
                .isInstanceOf(ConfigException.class).hasMessageContaining(ParticipantConfig.SCHEMA_REGISTRY_URL_CONFIG);
    }

    @Test
    void namesBothKeysWhenThePurgeIntervalExceedsTheRetention() {
        Map<String, Object> props = valid();
        props.put(ParticipantConfig.PROCESSED_RETENTION_MS_CONFIG, 60_000L);
        props.put(ParticipantConfig.PURGE_INTERVAL_MS_CONFIG, 120_000L);

        assertThatThrownBy(() -> new ParticipantConfig(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(ParticipantConfig.PURGE_INTERVAL_MS_CONFIG)
                .hasMessageContaining(ParticipantConfig.PROCESSED_RETENTION_MS_CONFIG);
    }

    @Test
    void namesBothKeysWhenTheDeadLetterTopicIsTheCommandTopic() {
        Map<String, Object> props = valid();
        props.put(ParticipantConfig.DEAD_LETTER_TOPIC_CONFIG, "inventory.commands");

        assertThatThrownBy(() -> new ParticipantConfig(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(ParticipantConfig.DEAD_LETTER_TOPIC_CONFIG)
                .hasMessageContaining(ParticipantConfig.COMMAND_TOPIC_CONFIG);
    }

    @Test
    void refusesAKafkaDeadLetterTopicThatDisagreesWithTheParticipants() {
        Participant.Builder builder = Participant.builder()
                .properties(valid())
                .property("errors.dead.letter.queue.topic.name", "other.dlq")
                .onDo("reserve-stock", ReserveStock.class, (input, context) -> StepResult.succeeded());

        assertThatThrownBy(builder::build)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("errors.dead.letter.queue.topic.name")
                .hasMessageContaining(ParticipantConfig.DEAD_LETTER_TOPIC_CONFIG);
    }

    @Test
    void namesAMissingKafkaSettingWhenStarted() {
        Participant participant = Participant.builder()
                .properties(valid())
                .onDo("reserve-stock", ReserveStock.class, (input, context) -> StepResult.succeeded())
                .build();

        assertThatThrownBy(participant::start)
                .isInstanceOf(ConfigException.class).hasMessageContaining("bootstrap.servers");
    }

    @Test
    void theParticipantGuidesTableGivesEveryKeyWithItsDeclaredDefaultAndDocumentation() {
        assertThat(SettingsTable.under(Path.of("PARTICIPANT.md"), "## Settings").drift(ParticipantConfig.configDef())).isEmpty();
    }

    @Test
    void theTopicKeysFollowTheOrchestratorsGrammar() {
        assertThat(ParticipantConfig.COMMAND_TOPIC_CONFIG).isEqualTo("sagaline.participant.topic.commands");
        assertThat(ParticipantConfig.DEAD_LETTER_TOPIC_CONFIG).isEqualTo("sagaline.participant.topic.dead.letter");
    }

    @Test
    void stillTakesTheFormerTopicKeysWarningOnceForEachWithItsNewName() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger configLog = (Logger) LoggerFactory.getLogger(ParticipantConfig.class);
        log.start();
        configLog.addAppender(log);
        try {
            ParticipantConfig config = new ParticipantConfig(Map.of(ParticipantConfig.APPLICATION_ID_CONFIG, "inventory",
                    "sagaline.participant.command.topic", "inventory.commands",
                    "sagaline.participant.dead.letter.topic", "inventory.dead-letters"));

            assertThat(config.commandTopic()).isEqualTo("inventory.commands");
            assertThat(config.deadLetterTopic()).isEqualTo("inventory.dead-letters");
        } finally {
            configLog.detachAppender(log);
        }
        assertThat(log.list).filteredOn(event -> event.getLevel() == Level.WARN).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactlyInAnyOrder(
                        "'sagaline.participant.command.topic' is deprecated; use 'sagaline.participant.topic.commands'",
                        "'sagaline.participant.dead.letter.topic' is deprecated; use 'sagaline.participant.topic.dead.letter'");
    }

    @Test
    void refusesAFormerKeyAndItsNewNameWithDifferentValuesNamingBoth() {
        Map<String, Object> props = valid();
        props.put("sagaline.participant.command.topic", "other.commands");

        assertThatThrownBy(() -> new ParticipantConfig(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sagaline.participant.command.topic")
                .hasMessageContaining(ParticipantConfig.COMMAND_TOPIC_CONFIG);
    }

    @Test
    void passesNeitherTheKeysNorTheFormerKeysOnToKafkaStreams() {
        Participant participant = Participant.builder()
                .property(ParticipantConfig.APPLICATION_ID_CONFIG, "inventory")
                .property("sagaline.participant.command.topic", "inventory.commands")
                .property(ParticipantConfig.PURGE_BATCH_CONFIG, 10)
                .onDo("reserve-stock", ReserveStock.class, (input, context) -> StepResult.succeeded())
                .build();

        assertThat(participant.streamsProperties().stringPropertyNames()).noneMatch(key -> key.startsWith("sagaline."));
    }
}
