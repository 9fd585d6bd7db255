package dev.sagaline.localkafka.internals;

import dev.sagaline.localkafka.LocalCertificates;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerPropertiesTest {

    private static final Path LOG_DIR = Path.of("/tmp/kafka-logs");

    @Test
    void bindsBrokerAndControllerToLoopbackOnly() {
        Properties props = ServerProperties.of(9092, 9093, LOG_DIR, Map.of());

        assertThat(props.getProperty("listeners"))
                .isEqualTo("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
        assertThat(props.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:9092");
        assertThat(props.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:9093");
        assertThat(props.getProperty("process.roles")).isEqualTo("broker,controller");
    }

    @Test
    void aSecuredBrokerListensOnlyWithSaslSslAndEnforcesAcls() {
        BrokerSecurity security = new BrokerSecurity(new LocalCertificates(Path.of("/tmp/broker.p12"), Path.of("/tmp/trust.p12"), "store-pw"),
                "admin", "admin-pw");

        Properties props = ServerProperties.of(9092, 9093, LOG_DIR, Map.of(), security);

        assertThat(props.getProperty("listeners")).isEqualTo("SASL_SSL://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
        assertThat(props.getProperty("listener.security.protocol.map")).isEqualTo("SASL_SSL:SASL_SSL,CONTROLLER:SASL_SSL");
        assertThat(props).containsEntry("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .containsEntry("super.users", "User:admin")
                .containsEntry("allow.everyone.if.no.acl.found", "false")
                .containsEntry("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512")
                .containsEntry(BrokerProcess.SCRAM_BOOTSTRAP_KEY, "SCRAM-SHA-512=[name=admin,password=admin-pw]");
        assertThat(security.toString()).doesNotContain("store-pw").doesNotContain("admin-pw");
    }

    @Test
    void makesEveryInternalTopicFitOneNode() {
        Properties props = ServerProperties.of(9092, 9093, LOG_DIR, Map.of());

        assertThat(props).containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .containsEntry("auto.create.topics.enable", "false");
    }

    @Test
    void letsOverridesReplaceDefaults() {
        Properties props = ServerProperties.of(9092, 9093, LOG_DIR, Map.of("auto.create.topics.enable", "true"));

        assertThat(props).containsEntry("auto.create.topics.enable", "true");
    }

    @Test
    void refusesOverridesOfManagedKeys() {
        assertThatThrownBy(() -> ServerProperties.of(9092, 9093, LOG_DIR, Map.of("log.dirs", "/elsewhere")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'log.dirs' is managed");
    }
}
