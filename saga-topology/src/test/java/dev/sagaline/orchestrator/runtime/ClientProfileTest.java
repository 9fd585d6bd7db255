package dev.sagaline.orchestrator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.orchestrator.errors.SagalineConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code sagaline.profile} fills in the Kafka Streams settings the user left unset, and only those. */
class ClientProfileTest {

    @Test
    void lowLatencyShortensEveryWaitOfAHop() {
        SagalineConfig config = SagalineConfig.of(Map.of(SagalineConfig.PROFILE_CONFIG, "low-latency"));

        assertThat(config.streamsProperties()).containsEntry("commit.interval.ms", 10L).containsEntry("poll.ms", 10L)
                .containsEntry("consumer.fetch.max.wait.ms", 10).containsEntry("producer.linger.ms", 0)
                .containsEntry("max.task.idle.ms", -1L).doesNotContainKey(SagalineConfig.PROFILE_CONFIG);
    }

    @Test
    void explicitSettingsWinOverTheProfile() {
        SagalineConfig config = SagalineConfig.of(Map.of(SagalineConfig.PROFILE_CONFIG, "low-latency",
                "commit.interval.ms", "50", "fetch.max.wait.ms", "100", "main.consumer.fetch.max.wait.ms", "200"));

        assertThat(config.streamsProperties()).containsEntry("commit.interval.ms", "50")
                .doesNotContainKey("consumer.fetch.max.wait.ms").containsEntry("poll.ms", 10L);
    }

    @Test
    void theDefaultProfileAddsNothing() {
        assertThat(SagalineConfig.of(Map.of()).streamsProperties()).doesNotContainKeys("commit.interval.ms", "poll.ms");
    }

    @Test
    void anUnknownProfileIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> SagalineConfig.of(Map.of(SagalineConfig.PROFILE_CONFIG, "fastest")))
                .isInstanceOf(SagalineConfigException.class).hasMessageContaining("sagaline.profile").hasMessageContaining("low-latency");
    }
}
