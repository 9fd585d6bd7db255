package dev.sagaline.localkafka.internals;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/** The cluster id a node's directories are (or will be) formatted with. */
public final class ClusterIds {

    private ClusterIds() {
    }

    /** The id in {@code logDir/meta.properties} when the directory was formatted before, otherwise a new one. */
    public static String of(Path logDir) {
        Path meta = logDir.resolve("meta.properties");
        if (!Files.exists(meta)) {
            return Uuid.randomUuid().toString();
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + meta, e);
        }
        String id = props.getProperty("cluster.id");
        return id != null ? id : Uuid.randomUuid().toString();
    }
}
