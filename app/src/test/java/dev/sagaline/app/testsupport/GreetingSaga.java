package dev.sagaline.app.testsupport;

import dev.sagaline.demo.Order;
import dev.sagaline.participant.Participant;
import dev.sagaline.participant.StepResult;
import dev.sagaline.schemas.registry.SchemaRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The smallest saga a test of {@code sagaline run} needs: one compensatable step, {@code greet},
 * on a topic of the test's own, and a participant that always agrees to it.
 */
public final class GreetingSaga {

    private GreetingSaga() {
    }

    /** Writes a definitions directory {@code dir} holding saga {@code saga} of one step on {@code topic}. */
    public static Path writeDefinitions(Path dir, String saga, String topic) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(saga + ".yaml"), """
                saga: %s
                steps:
                  - name: greet
                    topic: %s
                    kind: compensatable
                    timeout: 1m
                """.formatted(saga, topic));
        return dir;
    }

    /** Starts a participant that answers every {@code greet} on {@code topic} with SUCCEEDED; the caller closes it. */
    public static Participant startGreeter(String bootstrapServers, String topic, SchemaRegistry registry, Path stateDir) {
        return startGreeter(Map.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, registry, stateDir);
    }

    /** As above, with these client settings (address, security). */
    public static Participant startGreeter(Map<String, Object> clientConfig, String topic, SchemaRegistry registry, Path stateDir) {
        Participant greeter = Participant.builder()
                .properties(clientConfig)
                .applicationId(topic + "-greeter")
                .commandTopic(topic)
                .schemaRegistry(registry)
                .property(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString())
                .onDo("greet", Order.class, (order, context) -> StepResult.succeeded())
                .build();
        greeter.start();
        return greeter;
    }
}
