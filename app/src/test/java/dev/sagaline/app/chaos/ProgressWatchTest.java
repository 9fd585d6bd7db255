package dev.sagaline.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ProgressWatchTest {

    private static final String GROUP = "sagaline-chaos";
    private static final TopicPartition REQUESTS_3 = new TopicPartition("sagaline.requests", 3);
    private static final TopicPartition REPLIES_3 = new TopicPartition("sagaline.replies", 3);
    private static final TopicPartition REQUESTS_4 = new TopicPartition("sagaline.requests", 4);

    /** Task 3 had records waiting on both inputs at the kill, task 4 on its requests. */
    private final ProgressWatch.Outage outage = new ProgressWatch.Outage("orchestrator-1", "orchestrator", 0,
            Map.of(GROUP, Map.of(REQUESTS_3, 100L, REPLIES_3, 200L, REQUESTS_4, 50L)));

    @Test
    void aTaskWhoseRepliesMoveWhileItsRequestsStandStillHasMovedButNotOnEveryInput() {
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = committed(100, 230, 51);

        assertThat(ProgressWatch.movesAgain(outage, committed, false)).as("every task moved").isTrue();
        assertThat(ProgressWatch.movesAgain(outage, committed, true)).as("every input moved").isFalse();
    }

    @Test
    void aTaskThatMovedOnNoInputHoldsBothFiguresBack() {
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = committed(100, 200, 51);

        assertThat(ProgressWatch.movesAgain(outage, committed, false)).isFalse();
        assertThat(ProgressWatch.movesAgain(outage, committed, true)).isFalse();
    }

    @Test
    void everyInputMovedOnceEachWaitingPartitionCommittedPastItsOffsetAtTheKill() {
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = committed(101, 201, 51);

        assertThat(ProgressWatch.movesAgain(outage, committed, false)).isTrue();
        assertThat(ProgressWatch.movesAgain(outage, committed, true)).isTrue();
    }

    @Test
    void aPartitionWithoutACommittedOffsetHasNotMoved() {
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = Map.of(GROUP,
                Map.of(REQUESTS_3, new OffsetAndMetadata(101), REPLIES_3, new OffsetAndMetadata(201)));

        assertThat(ProgressWatch.movesAgain(outage, committed, false)).isFalse();
        assertThat(ProgressWatch.movesAgain(outage, committed, true)).isFalse();
    }

    private static Map<String, Map<TopicPartition, OffsetAndMetadata>> committed(long requests3, long replies3, long requests4) {
        return Map.of(GROUP, Map.of(REQUESTS_3, new OffsetAndMetadata(requests3), REPLIES_3, new OffsetAndMetadata(replies3),
                REQUESTS_4, new OffsetAndMetadata(requests4)));
    }
}
