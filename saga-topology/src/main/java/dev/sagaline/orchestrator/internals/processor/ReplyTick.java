package dev.sagaline.orchestrator.internals.processor;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The probe {@link ReplyCatchUp} writes to its task's own reply partition: a record with no key,
 * no value and the header {@value #HEADER} naming the partition. Readers of the reply topic other
 * than the orchestrator skip records that carry this header.
 *
 * @param partition the reply partition the tick is written to and read back from
 */
record ReplyTick(int partition) {

    /** Header that marks a tick; its value is the partition, in decimal. */
    static final String HEADER = "sagaline.tick";

    Headers headers() {
        return new RecordHeaders().add(HEADER, Integer.toString(partition).getBytes(StandardCharsets.UTF_8));
    }

    static boolean isTick(Headers headers) {
        return headers.lastHeader(HEADER) != null;
    }
}
