package dev.sagaline.localkafka.internals;

import dev.sagaline.localkafka.LocalCertificates;

/**
 * What a secured local broker is made of: its TLS material and the super user the node itself
 * connects as (and the owner of the broker hands to topic set-up and ACL administration).
 *
 * @param tls the keystore and truststore generated for this broker
 * @param superUser the super user's name
 * @param superUserPassword the super user's password, created in the metadata when the log directory is formatted
 */
public record BrokerSecurity(LocalCertificates tls, String superUser, String superUserPassword) {

    /** Hides the password. */
    @Override
    public String toString() {
        return "BrokerSecurity[" + tls + ", superUser=" + superUser + ", superUserPassword=[hidden]]";
    }
}
