package dev.sagaline.app.demo;

import dev.sagaline.localkafka.LocalKafkaBroker;
import dev.sagaline.orchestrator.definition.SagaDefinitions;
import dev.sagaline.orchestrator.runtime.SagaTopics;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.participant.ParticipantConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The demo on a secured broker ({@code sagaline demo --secure}): one SCRAM user per part of the
 * demo, each with the least privilege its part needs (the ACL guide in the README explains each
 * grant), and the proof that the broker refuses a client without valid credentials and a service
 * writing to another service's topic.
 *
 * <p>Every Kafka Streams app (orchestrator and services) gets the same three grants on its
 * {@code application.id}: all operations on topics whose names start with {@code <application.id>-}
 * (its changelog and repartition topics, which it creates), reading its consumer group, and
 * writing with transactional ids that start with {@code <application.id>-} (exactly-once). The
 * dash keeps one app's prefix from reaching another's topics.
 */
public final class SecureDemo {

    /** What every secured part's application id starts with. */
    public static final String APPLICATION_ID_PREFIX = "sagaline-secure-";

    private final LocalKafkaBroker broker;
    private final DemoAccess access;

    private SecureDemo(LocalKafkaBroker broker, DemoAccess access) {
        this.broker = broker;
        this.access = access;
    }

    /**
     * Creates one user per part with a random password and the ACLs of its part, prints them,
     * and returns the demo ready to run.
     *
     * @param broker a {@linkplain LocalKafkaBroker.Builder#secured() secured} broker
     */
    public static SecureDemo setUp(LocalKafkaBroker broker, PrintStream out) {
        if (!broker.isSecured()) {
            throw new IllegalArgumentException("the secure demo needs a secured broker, not " + broker);
        }
        Map<String, String> applicationIds = new LinkedHashMap<>();
        for (String part : new String[] {DemoAccess.ORCHESTRATOR, DemoAccess.INVENTORY, DemoAccess.PAYMENT, DemoAccess.SHIPPING,
                DemoAccess.LOSSY_LINK}) {
            applicationIds.put(part, APPLICATION_ID_PREFIX + part);
        }
        Map<String, List<AclBinding>> acls = acls(SagalineConfig.of(Map.of()).topics(), OrderDemo.definitions(), applicationIds);
        Map<String, Map<String, Object>> clients = new HashMap<>();
        out.println("Secured broker: SASL_SSL with SCRAM-SHA-512, ACLs enforced; one user per part of the demo:");
        acls.forEach((user, grants) -> {
            Map<String, Object> client = broker.clientConfig(user, broker.createUser(user));
            clients.put(user, client);
            broker.createAcls(grants);
            out.println("  " + user + ": " + String.join(", ", grants.stream().map(SecureDemo::describe).toList()));
        });
        // The link stands in for the payment service's network; it runs as the payment service.
        clients.put(DemoAccess.LOSSY_LINK, clients.get(DemoAccess.PAYMENT));
        return new SecureDemo(broker, new DemoAccess(broker.bootstrapServers(), broker.clientConfig(), clients, applicationIds));
    }

    /** How each part reaches the broker. */
    public DemoAccess access() {
        return access;
    }

    /**
     * Tries what the ACLs must refuse and prints what the broker answered: a client logging in
     * with a password nobody gave it, and the payment service writing to the stock service's
     * command topic.
     *
     * @return true when both were refused
     */
    public boolean showRefusals(PrintStream out) {
        out.println();
        boolean strangerRefused = refusesAStranger(out);
        boolean trespassRefused = refusesTrespass(out);
        return strangerRefused && trespassRefused;
    }

    private boolean refusesAStranger(PrintStream out) {
        try (Admin admin = Admin.create(broker.clientConfig("stranger", "a-guessed-password"))) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
            out.println("NOT REFUSED: a client without valid credentials was let in");
            return false;
        } catch (ExecutionException e) {
            return refused(out, "a client without valid credentials", e.getCause(), SaslAuthenticationException.class);
        } catch (InterruptedException | TimeoutException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("no answer from the broker to a client without valid credentials", e);
        }
    }

    private boolean refusesTrespass(PrintStream out) {
        Map<String, Object> payment = access.clientConfig(DemoAccess.PAYMENT);
        payment.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(payment, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(OrderDemo.INVENTORY_TOPIC, "forged", new byte[0])).get(30, TimeUnit.SECONDS);
            out.println("NOT REFUSED: the payment service wrote to " + OrderDemo.INVENTORY_TOPIC);
            return false;
        } catch (ExecutionException e) {
            return refused(out, "the payment service writing to " + OrderDemo.INVENTORY_TOPIC, e.getCause(), TopicAuthorizationException.class);
        } catch (InterruptedException | TimeoutException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("no answer from the broker to the payment service's write", e);
        }
    }

    private static boolean refused(PrintStream out, String what, Throwable answer, Class<? extends Throwable> expected) {
        boolean asExpected = expected.isInstance(answer);
        out.println((asExpected ? "Refused, as it must be: " : "Refused, but not by the ACLs: ") + what + " ("
                + answer.getClass().getSimpleName() + ": " + answer.getMessage() + ")");
        return asExpected;
    }

    /** The grants of each user: the least each part needs. */
    static Map<String, List<AclBinding>> acls(SagaTopics topics, SagaDefinitions definitions, Map<String, String> applicationIds) {
        Map<String, List<AclBinding>> acls = new LinkedHashMap<>();
        List<AclBinding> orchestrator = new ArrayList<>();
        orchestrator.addAll(topic(DemoAccess.ORCHESTRATOR, AclOperation.READ, topics.requests(), topics.replies()));
        // It writes to the replies topic too: its timer ticks travel there, to the partition of their saga.
        orchestrator.addAll(topic(DemoAccess.ORCHESTRATOR, AclOperation.WRITE, topics.replies(), topics.events(), topics.deadLetter()));
        orchestrator.addAll(topic(DemoAccess.ORCHESTRATOR, AclOperation.WRITE, definitions.commandTopics().toArray(String[]::new)));
        orchestrator.addAll(streamsApp(DemoAccess.ORCHESTRATOR, applicationIds.get(DemoAccess.ORCHESTRATOR)));
        acls.put(DemoAccess.ORCHESTRATOR, orchestrator);
        acls.put(DemoAccess.INVENTORY, participant(DemoAccess.INVENTORY, OrderDemo.INVENTORY_TOPIC, topics, applicationIds));
        List<AclBinding> payment = new ArrayList<>(participant(DemoAccess.PAYMENT, OrderDemo.PAYMENT_INBOX_TOPIC, topics, applicationIds));
        payment.addAll(topic(DemoAccess.PAYMENT, AclOperation.READ, OrderDemo.PAYMENT_TOPIC));
        payment.addAll(topic(DemoAccess.PAYMENT, AclOperation.WRITE, OrderDemo.PAYMENT_INBOX_TOPIC));
        payment.addAll(streamsApp(DemoAccess.PAYMENT, applicationIds.get(DemoAccess.LOSSY_LINK)));
        acls.put(DemoAccess.PAYMENT, payment);
        acls.put(DemoAccess.SHIPPING, participant(DemoAccess.SHIPPING, OrderDemo.SHIPPING_TOPIC, topics, applicationIds));
        List<AclBinding> shop = new ArrayList<>(topic(DemoAccess.SHOP, AclOperation.WRITE, topics.requests()));
        shop.addAll(topic(DemoAccess.SHOP, AclOperation.READ, topics.events()));
        acls.put(DemoAccess.SHOP, shop);
        return acls;
    }

    private static List<AclBinding> participant(String user, String commandTopic, SagaTopics topics, Map<String, String> applicationIds) {
        String applicationId = applicationIds.get(user);
        List<AclBinding> grants = new ArrayList<>(topic(user, AclOperation.READ, commandTopic));
        String deadLetterTopic = new ParticipantConfig(Map.of(ParticipantConfig.APPLICATION_ID_CONFIG, applicationId,
                ParticipantConfig.COMMAND_TOPIC_CONFIG, commandTopic)).deadLetterTopic();
        grants.addAll(topic(user, AclOperation.WRITE, topics.replies(), deadLetterTopic));
        grants.addAll(streamsApp(user, applicationId));
        return grants;
    }

    private static List<AclBinding> streamsApp(String user, String applicationId) {
        return List.of(
                allow(user, AclOperation.ALL, new ResourcePattern(ResourceType.TOPIC, applicationId + "-", PatternType.PREFIXED)),
                allow(user, AclOperation.READ, new ResourcePattern(ResourceType.GROUP, applicationId, PatternType.LITERAL)),
                allow(user, AclOperation.WRITE, new ResourcePattern(ResourceType.TRANSACTIONAL_ID, applicationId + "-", PatternType.PREFIXED)));
    }

    private static List<AclBinding> topic(String user, AclOperation operation, String... names) {
        List<AclBinding> grants = new ArrayList<>();
        for (String name : names) {
            grants.add(allow(user, operation, new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL)));
        }
        return grants;
    }

    private static AclBinding allow(String user, AclOperation operation, ResourcePattern resource) {
        return new AclBinding(resource, new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    private static String describe(AclBinding acl) {
        ResourcePattern resource = acl.pattern();
        return acl.entry().operation() + " " + resource.resourceType().name().toLowerCase(java.util.Locale.ROOT) + " " + resource.name()
                + (resource.patternType() == PatternType.PREFIXED ? "*" : "");
    }
}
