package dev.sagaline.localkafka.internals;

import kafka.server.KafkaConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Formats a KRaft node's directories the way {@code kafka-storage.sh format} does, once: a
 * directory that already holds {@code meta.properties} keeps its cluster id and its data.
 */
public final class StorageFormat {

    private static final String ELIGIBLE_LEADER_REPLICAS_FEATURE = "eligible.leader.replicas.version";
    /**
     * The system property naming the cluster id to format empty directories with: a controller
     * and a broker in processes of their own must share one. Without it a new id is made up.
     */
    static final String CLUSTER_ID_PROPERTY = "sagaline.localkafka.cluster.id";

    private StorageFormat() {
    }

    /** The JVM option that makes a child format its empty directories with {@code clusterId}. */
    public static String clusterIdOption(String clusterId) {
        return "-D" + CLUSTER_ID_PROPERTY + "=" + clusterId;
    }

    /**
     * Returns true when at least one directory had to be formatted; {@code scramUsers} (in
     * {@code --add-scram} syntax) are written into the new metadata.
     */
    static boolean formatIfNeeded(KafkaConfig config, List<String> scramUsers, PrintStream out) throws Exception {
        List<String> directories = new ArrayList<>(config.logDirs());
        if (!directories.contains(config.metadataLogDir())) {
            directories.add(config.metadataLogDir());
        }
        for (String directory : directories) {
            Files.createDirectories(Path.of(directory));
        }
        MetaPropertiesEnsemble existing = new MetaPropertiesEnsemble.Loader().addLogDirs(directories).load();
        if (existing.emptyLogDirs().isEmpty()) {
            return false;
        }
        new Formatter()
                .setPrintStream(out)
                .setNodeId(config.nodeId())
                // Reusing an existing id lets a half-formatted set of directories be completed.
                .setClusterId(existing.clusterId().orElseGet(() -> System.getProperty(CLUSTER_ID_PROPERTY, Uuid.randomUuid().toString())))
                .setControllerListenerName(config.controllerListenerNames().get(0))
                .setMetadataLogDirectory(config.metadataLogDir())
                .setDirectories(directories)
                .setIgnoreFormatted(true)
                .setScramArguments(scramUsers)
                // Eligible leader replicas guard multi-replica partitions against electing a replica
                // that lost data in an unclean shutdown. With one replica there is nobody else to
                // elect, yet after every hard kill they strip the broker from its own partitions'
                // ISR and leave recovery to a separate election; the classic rule (the last ISR
                // member stays and leads again when it returns) is the behaviour a crash test wants.
                .setFeatureLevel(ELIGIBLE_LEADER_REPLICAS_FEATURE, (short) 0)
                .run();
        return true;
    }
}
