package dev.sagaline.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Closing the fence must not hold up the close of its Kafka Streams instance: the application
 * closes it first, and its stream threads keep processing (and firing timers) until it returns.
 */
class AbandonedTransactionFenceCloseTest {

    /** Nothing listens there, so a look fails after its Admin timeout; the close may wait for that one look only. */
    private static final Map<String, Object> STREAMS = Map.of(
            "application.id", "close-test",
            "processing.guarantee", "exactly_once_v2",
            "bootstrap.servers", "127.0.0.1:1",
            "session.timeout.ms", "60000");

    @Test
    void closesWithoutWaitingForTheEndOfTheLooksAfterARebalance() {
        AbandonedTransactionFence fence = AbandonedTransactionFence.forStreams(true, STREAMS, List::of).orElseThrow();
        fence.onStreamsState("REBALANCING");
        fence.onStreamsState("RUNNING"); // the looks go on for a session timeout (60 s) after this

        long started = System.nanoTime();
        fence.close();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).as("close, with one look under way at most").isLessThan(Duration.ofSeconds(10));
    }
}
