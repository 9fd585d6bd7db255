package dev.sagaline.localkafka.internals;

import dev.sagaline.localkafka.LocalKafkaException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Users and ACLs of a secured local broker, written through the Admin API and waited for: both
 * travel through the metadata log before the broker applies them, so a client started right after
 * the write could still be refused.
 */
public final class AccessControl {

    private static final int SCRAM_ITERATIONS = 4096;
    private static final long POLL_INTERVAL_MS = 50;

    private AccessControl() {
    }

    /**
     * Creates or updates the SCRAM-SHA-512 user, then waits until a client can log in as it.
     *
     * @param superUserConfig client settings of the super user, who writes the credential
     * @param userConfig client settings of the new user, to try its login with
     */
    public static void upsertUser(Map<String, Object> superUserConfig, Map<String, Object> userConfig, String user, String password,
                                  Duration timeout) {
        try (Admin admin = Admin.create(superUserConfig)) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password))).all().get();
        } catch (ExecutionException e) {
            throw new LocalKafkaException("cannot create SCRAM user '" + user + "': " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalKafkaException("interrupted while creating SCRAM user '" + user + "'", e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() - deadline < 0) {
            try (Admin admin = Admin.create(userConfig)) {
                admin.describeCluster().nodes().get();
                return;
            } catch (ExecutionException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalKafkaException("interrupted while waiting for SCRAM user '" + user + "'", e);
            }
            pause();
        }
        throw new LocalKafkaException("SCRAM user '" + user + "' cannot log in " + timeout.toMillis() + " ms after its creation: " + last, last);
    }

    /** Creates the ACLs and waits until the broker's authorizer lists every one of them. */
    public static void createAcls(Map<String, Object> superUserConfig, Collection<AclBinding> acls, Duration timeout) {
        try (Admin admin = Admin.create(superUserConfig)) {
            admin.createAcls(acls).all().get();
            long deadline = System.nanoTime() + timeout.toNanos();
            Set<AclBinding> missing = new HashSet<>(acls);
            while (true) {
                missing.removeAll(admin.describeAcls(AclBindingFilter.ANY).values().get());
                if (missing.isEmpty()) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new LocalKafkaException("the broker does not apply ACLs " + missing + " within " + timeout.toMillis() + " ms");
                }
                pause();
            }
        } catch (ExecutionException e) {
            throw new LocalKafkaException("cannot create ACLs " + acls + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalKafkaException("interrupted while creating ACLs", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_INTERVAL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalKafkaException("interrupted while waiting for the broker's metadata", e);
        }
    }
}
