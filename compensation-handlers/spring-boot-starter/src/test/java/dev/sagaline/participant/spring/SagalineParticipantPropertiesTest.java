package dev.sagaline.participant.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SagalineParticipantPropertiesTest {

    @Test
    void printsThePassedThroughSettingsByNameOnlySoThatNoSecretReachesALog() {
        SagalineParticipantProperties settings = new SagalineParticipantProperties(true, "inventory", "127.0.0.1:9092",
                "inventory.commands", "", "", null, Duration.ofSeconds(30),
                Map.of("sasl.jaas.config", "ScramLoginModule required username=\"inventory\" password=\"s3cret-pw\";"));

        assertThat(settings.toString()).contains("inventory.commands").contains("sasl.jaas.config").doesNotContain("s3cret-pw");
    }
}
