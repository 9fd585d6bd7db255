package dev.sagaline.participant.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The relay is chosen, and its settings checked, from one declaration. */
class OutboxRelayConfigTest {

    private static final Map<String, Object> PRODUCER = Map.of("producer.bootstrap.servers", "127.0.0.1:9");

    @Test
    void pollsByDefault() {
        try (OutboxRelay relay = OutboxRelay.create(PRODUCER, new PGSimpleDataSource())) {
            assertThat(relay).isInstanceOf(PollingRelay.class);
        }
    }

    @Test
    void choosesTheCdcRelayWithItsReplicationAddress() {
        Map<String, Object> settings = new HashMap<>(PRODUCER);
        settings.put(OutboxRelayConfig.RELAY_CONFIG, "cdc");
        settings.put(OutboxRelayConfig.CDC_HOST_CONFIG, "db.internal");
        settings.put(OutboxRelayConfig.CDC_DATABASE_CONFIG, "inventory");
        settings.put(OutboxRelayConfig.CDC_USER_CONFIG, "relay");
        settings.put(OutboxRelayConfig.CDC_PASSWORD_CONFIG, "secret");

        OutboxRelayConfig config = new OutboxRelayConfig(settings);
        try (OutboxRelay relay = OutboxRelay.create(settings, new PGSimpleDataSource())) {
            assertThat(relay).isInstanceOf(CdcRelay.class);
        }
        assertThat(config.database()).isEqualTo(new DatabaseAddress("db.internal", 5432, "inventory", "relay", "secret"));
        assertThat(config.database().toString()).doesNotContain("secret");
        assertThat(config.producerSettings()).containsEntry("bootstrap.servers", "127.0.0.1:9");
    }

    @Test
    void theCdcRelayWithoutItsDatabaseHostNamesBothKeys() {
        Map<String, Object> settings = new HashMap<>(PRODUCER);
        settings.put(OutboxRelayConfig.RELAY_CONFIG, "cdc");

        assertThatThrownBy(() -> new OutboxRelayConfig(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(OutboxRelayConfig.CDC_HOST_CONFIG)
                .hasMessageContaining(OutboxRelayConfig.RELAY_CONFIG);
    }

    @Test
    void refusesAnUnknownRelayNamingTheKey() {
        Map<String, Object> settings = new HashMap<>(PRODUCER);
        settings.put(OutboxRelayConfig.RELAY_CONFIG, "trigger");

        assertThatThrownBy(() -> new OutboxRelayConfig(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(OutboxRelayConfig.RELAY_CONFIG);
    }

    @Test
    void needsTheBrokerToPublishTo() {
        assertThatThrownBy(() -> new OutboxRelayConfig(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("producer.bootstrap.servers");
    }

    @Test
    void refusesProducerSettingsThatWouldWeakenDelivery() {
        Map<String, Object> settings = new HashMap<>(PRODUCER);
        settings.put("producer.acks", "1");

        assertThatThrownBy(() -> OutboxRelay.create(settings, new PGSimpleDataSource()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("acks=1");
    }
}
