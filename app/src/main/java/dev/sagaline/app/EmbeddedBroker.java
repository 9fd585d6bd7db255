package dev.sagaline.app;

import dev.sagaline.orchestrator.errors.SagalineConfigException;
import dev.sagaline.localkafka.LocalKafkaBroker;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: a real single-node Kafka broker started from the app's own jars on
 * 127.0.0.1, for {@code demo} and for {@code run} without a cluster. With a data directory its
 * log survives the run, so the next run resumes; without one it is deleted on exit.
 */
final class EmbeddedBroker {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);

    private EmbeddedBroker() {
    }

    /** A class only the broker's jars hold; the distribution archive leaves them out. */
    private static final String BROKER_CLASS = "kafka/server/KafkaRaftServer.class";

    /**
     * Starts the broker, with its data in {@code dataDir} when given.
     *
     * @throws SagalineConfigException when this build carries no broker (the distribution archive)
     */
    static LocalKafkaBroker start(Path dataDir) {
        return start(dataDir, UnaryOperator.identity());
    }

    /** As {@link #start(Path)}, with {@code settings} applied to the broker's builder after the defaults. */
    static LocalKafkaBroker start(Path dataDir, UnaryOperator<LocalKafkaBroker.Builder> settings) {
        if (EmbeddedBroker.class.getClassLoader().getResource(BROKER_CLASS) == null) {
            throw new SagalineConfigException("this distribution has no embedded Kafka broker: name a cluster (bootstrap.servers,"
                    + " or --bootstrap-servers for demo and bench), or use the one-jar build (java -jar sagaline.jar), which has one");
        }
        // The demo and the benchmark put real load on the broker: give it the optimising compiler,
        // which the test default leaves out to start faster.
        LocalKafkaBroker.Builder builder = LocalKafkaBroker.builder().jvmOption("-XX:TieredStopAtLevel=4").jvmOption("-Xmx1g");
        builder = settings.apply(builder);
        if (dataDir != null) {
            builder.logDir(dataDir.resolve("kafka")).keepLogDir(true);
        }
        long started = System.nanoTime();
        LocalKafkaBroker broker = builder.build().start();
        log.info("embedded Kafka broker on {} ready in {} ms{}", broker.bootstrapServers(), (System.nanoTime() - started) / 1_000_000,
                dataDir == null ? "" : " (data in " + dataDir + ")");
        return broker;
    }
}
