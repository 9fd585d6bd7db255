package dev.sagaline.localkafka.internals;

import dev.sagaline.localkafka.LocalCertificates;
import java.util.Properties;

/**
 * The broker settings of a secured local broker: its client listener speaks SASL_SSL with
 * SCRAM-SHA-512 (users live in the cluster metadata, created through the Admin API), the
 * controller listener SASL_SSL with PLAIN (the controller must authenticate the broker before any
 * metadata, and so any SCRAM user, is loaded), and KRaft's {@code StandardAuthorizer} denies
 * whatever no ACL allows, except to the super user the node itself connects as.
 */
public final class SecuredListeners {

    /** The listener clients connect to; also the inter-broker listener, which carries transaction markers to itself. */
    public static final String CLIENT_LISTENER = "SASL_SSL";
    /** The SASL mechanism of the client listener. */
    public static final String MECHANISM = "SCRAM-SHA-512";

    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule";
    private static final String PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule";

    private SecuredListeners() {
    }

    /** Replaces the plaintext listeners of {@code props} and turns authorization on. */
    static void apply(Properties props, int brokerPort, int controllerPort, BrokerSecurity security) {
        LocalCertificates tls = security.tls();
        String user = security.superUser();
        String password = security.superUserPassword();
        props.setProperty("listeners", CLIENT_LISTENER + "://" + ServerProperties.HOST + ":" + brokerPort
                + "," + CONTROLLER_LISTENER + "://" + ServerProperties.HOST + ":" + controllerPort);
        props.setProperty("advertised.listeners", CLIENT_LISTENER + "://" + ServerProperties.HOST + ":" + brokerPort);
        props.setProperty("listener.security.protocol.map", CLIENT_LISTENER + ":SASL_SSL," + CONTROLLER_LISTENER + ":SASL_SSL");
        props.setProperty("inter.broker.listener.name", CLIENT_LISTENER);
        props.setProperty("sasl.mechanism.inter.broker.protocol", MECHANISM);
        props.setProperty("sasl.mechanism.controller.protocol", "PLAIN");
        props.setProperty("listener.name.sasl_ssl.sasl.enabled.mechanisms", MECHANISM);
        props.setProperty("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                SCRAM_LOGIN + " required username=\"" + user + "\" password=\"" + password + "\";");
        props.setProperty("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        props.setProperty("listener.name.controller.plain.sasl.jaas.config", PLAIN_LOGIN + " required username=\"" + user
                + "\" password=\"" + password + "\" user_" + user + "=\"" + password + "\";");
        props.setProperty("ssl.keystore.location", tls.keystore().toString());
        props.setProperty("ssl.keystore.password", tls.password());
        props.setProperty("ssl.key.password", tls.password());
        props.setProperty("ssl.keystore.type", LocalCertificates.STORE_TYPE);
        // The node's own connections (inter-broker, broker to controller) verify its certificate too.
        props.setProperty("ssl.truststore.location", tls.truststore().toString());
        props.setProperty("ssl.truststore.password", tls.password());
        props.setProperty("ssl.truststore.type", LocalCertificates.STORE_TYPE);
        props.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.setProperty("super.users", "User:" + user);
        props.setProperty("allow.everyone.if.no.acl.found", "false");
        props.setProperty(BrokerProcess.SCRAM_BOOTSTRAP_KEY, MECHANISM + "=[name=" + user + ",password=" + password + "]");
    }

    /** The JAAS line a client logs in with as {@code user}. */
    public static String clientJaas(String user, String password) {
        return SCRAM_LOGIN + " required username=\"" + user + "\" password=\"" + password + "\";";
    }
}
