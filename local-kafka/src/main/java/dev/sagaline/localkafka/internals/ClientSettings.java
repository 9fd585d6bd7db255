package dev.sagaline.localkafka.internals;

import dev.sagaline.localkafka.LocalCertificates;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;

import java.util.HashMap;
import java.util.Map;

/** The settings a client needs to reach a local broker, and to log in to a secured one. */
public final class ClientSettings {

    private ClientSettings() {
    }

    /** A new mutable map: the bootstrap servers, plus the super user's login when {@code security} is not null. */
    public static Map<String, Object> of(String bootstrapServers, BrokerSecurity security) {
        return security == null ? withoutLogin(bootstrapServers)
                : login(bootstrapServers, security, security.superUser(), security.superUserPassword());
    }

    /**
     * A new mutable map logging in as {@code user}: SASL_SSL, SCRAM-SHA-512, the JAAS line (a
     * {@link Password}, hidden when a client logs its configuration) and the truststore holding the
     * broker's CA.
     */
    public static Map<String, Object> login(String bootstrapServers, BrokerSecurity security, String user, String password) {
        Map<String, Object> config = withoutLogin(bootstrapServers);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        config.put(SaslConfigs.SASL_MECHANISM, SecuredListeners.MECHANISM);
        config.put(SaslConfigs.SASL_JAAS_CONFIG, new Password(SecuredListeners.clientJaas(user, password)));
        config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, security.tls().truststore().toString());
        config.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, new Password(security.tls().password()));
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, LocalCertificates.STORE_TYPE);
        return config;
    }

    private static Map<String, Object> withoutLogin(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }
}
