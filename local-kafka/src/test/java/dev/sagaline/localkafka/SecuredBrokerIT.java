package dev.sagaline.localkafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A secured broker: SASL_SSL with SCRAM users, and ACLs that refuse what they do not allow. */
@Tag("integration")
@Timeout(120)
class SecuredBrokerIT {

    private static final String PASSWORD = "alice-secret-4711";
    private static LocalKafkaBroker broker;

    @BeforeAll
    static void startSecuredBroker() {
        broker = LocalKafkaBroker.builder().secured().build().start();
        broker.createTopics(Map.of("alice.out", 1, "bob.out", 1));
        broker.createUser("alice", PASSWORD);
        broker.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, "alice.out", PatternType.LITERAL),
                new AccessControlEntry("User:alice", "*", AclOperation.WRITE, AclPermissionType.ALLOW))));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void theSuperUserWritesAndReadsOverSaslSsl() throws Exception {
        assertThat(broker.isSecured()).isTrue();
        assertThat(broker.clientConfig()).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        try (KafkaProducer<String, String> producer = TestClients.producer(broker)) {
            producer.send(new ProducerRecord<>("bob.out", "k", "written by the super user")).get();
        }

        assertThat(TestClients.readAll(broker, "bob.out", IsolationLevel.READ_COMMITTED)).contains("written by the super user");
    }

    @Test
    void aUserWritesWhereAnAclAllowsIt() throws Exception {
        try (KafkaProducer<String, String> producer = producerAs("alice", PASSWORD)) {
            producer.send(new ProducerRecord<>("alice.out", "k", "hello")).get();
        }
    }

    @Test
    void aUserIsRefusedATopicNoAclAllows() {
        try (KafkaProducer<String, String> producer = producerAs("alice", PASSWORD)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("bob.out", "k", "not mine")).get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void aClientWithoutValidCredentialsIsRefused() {
        try (Admin admin = Admin.create(broker.clientConfig("alice", "wrong-password"))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void passwordsAreHiddenWhenTheClientSettingsArePrinted() {
        assertThat(broker.clientConfig("alice", PASSWORD).toString()).doesNotContain(PASSWORD);
    }

    @Test
    void aRestartedSecuredBrokerStillAuthenticatesItsUsers() throws Exception {
        broker.restart();

        try (KafkaProducer<String, String> producer = producerAs("alice", PASSWORD)) {
            producer.send(new ProducerRecord<>("alice.out", "k", "after restart")).get();
        }
    }

    private static KafkaProducer<String, String> producerAs(String user, String password) {
        Map<String, Object> config = new HashMap<>(broker.clientConfig(user, password));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }
}
