package dev.sagaline.app.demo;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How each part of the demo reaches the cluster: the Kafka client settings and the Kafka Streams
 * application id of the orchestrator, of each service, of the shop that starts the orders, and of
 * the operator who creates the topics. On a plain cluster every part uses the same address; on a
 * secured one ({@link SecureDemo}) each part logs in as its own user, whose ACLs allow only what
 * that part does.
 */
public final class DemoAccess {

    /** The orchestrator. */
    public static final String ORCHESTRATOR = "orchestrator";
    /** The stock service. */
    public static final String INVENTORY = "inventory";
    /** The payment service; the lossy link in front of it runs with its credentials. */
    public static final String PAYMENT = "payment";
    /** The shipping service. */
    public static final String SHIPPING = "shipping";
    /** The shop: starts the orders and watches them end. */
    public static final String SHOP = "shop";
    /** The lossy link; its credentials are the payment service's. */
    public static final String LOSSY_LINK = "lossy-link";

    private final String bootstrapServers;
    private final Map<String, Object> operator;
    private final Map<String, Map<String, Object>> clients;
    private final Map<String, String> applicationIds;

    DemoAccess(String bootstrapServers, Map<String, Object> operator, Map<String, Map<String, Object>> clients,
               Map<String, String> applicationIds) {
        this.bootstrapServers = bootstrapServers;
        this.operator = Map.copyOf(operator);
        this.clients = Map.copyOf(clients);
        this.applicationIds = Map.copyOf(applicationIds);
    }

    /** Every part reaches {@code bootstrapServers} with no credentials; the application ids of earlier releases. */
    public static DemoAccess plain(String bootstrapServers) {
        Map<String, Object> client = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        Map<String, Map<String, Object>> clients = new HashMap<>();
        for (String part : new String[] {ORCHESTRATOR, INVENTORY, PAYMENT, SHIPPING, SHOP, LOSSY_LINK}) {
            clients.put(part, client);
        }
        return new DemoAccess(bootstrapServers, client, clients, Map.of(ORCHESTRATOR, "sagaline-demo",
                INVENTORY, "sagaline-demo-inventory", PAYMENT, "sagaline-demo-payment", SHIPPING, "sagaline-demo-shipping",
                LOSSY_LINK, "sagaline-demo-lossy-link"));
    }

    /** The cluster's address. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** A new mutable copy of the client settings of {@code part}. */
    public Map<String, Object> clientConfig(String part) {
        Map<String, Object> config = clients.get(part);
        if (config == null) {
            throw new IllegalArgumentException("the demo has no part '" + part + "'; it has " + clients.keySet());
        }
        return new HashMap<>(config);
    }

    /** A new mutable copy of the client settings of the operator, who creates the topics. */
    public Map<String, Object> operatorConfig() {
        return new HashMap<>(operator);
    }

    /** The Kafka Streams application id of {@code part} (not the shop's: it runs no Streams app). */
    public String applicationId(String part) {
        String id = applicationIds.get(part);
        if (id == null) {
            throw new IllegalArgumentException("the demo part '" + part + "' runs no Kafka Streams application");
        }
        return id;
    }

    /** Names the parts, never their credentials. */
    @Override
    public String toString() {
        return "DemoAccess[" + bootstrapServers + ", parts " + clients.keySet() + "]";
    }
}
