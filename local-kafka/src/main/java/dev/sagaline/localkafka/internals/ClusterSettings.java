package dev.sagaline.localkafka.internals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a {@code LocalKafkaBroker.Builder} collected, fixed when the broker is built.
 *
 * @param logDir the broker's data directory, or null for a fresh temporary one
 * @param keepLogDir whether {@code logDir} survives the broker's close
 * @param port the client port; 0 picks a free one at start
 * @param controllerPort the KRaft controller port; 0 picks a free one at start
 * @param startupTimeout how long a start or restart waits for each process to answer
 * @param serverProperties broker settings overriding the defaults
 * @param jvmOptions extra options for every child JVM
 * @param secured SASL_SSL, SCRAM-SHA-512 and ACLs instead of plaintext
 * @param separateController the KRaft controller in a JVM of its own
 */
public record ClusterSettings(Path logDir, boolean keepLogDir, int port, int controllerPort, Duration startupTimeout,
                              Map<String, String> serverProperties, List<String> jvmOptions, boolean secured,
                              boolean separateController) {

    public ClusterSettings {
        serverProperties = Map.copyOf(serverProperties);
        jvmOptions = List.copyOf(jvmOptions);
        if (secured && separateController) {
            throw new IllegalArgumentException("secured() and separateController() cannot be combined: a secured broker runs its controller in the broker's process");
        }
    }
}
