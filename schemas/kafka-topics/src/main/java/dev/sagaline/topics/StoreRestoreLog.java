package dev.sagaline.topics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says, for each store partition that a Kafka Streams application restores from its changelog,
 * how many records it read and how long that took. After a restart this is the line that tells an
 * operator whether the instance resumed from its own state (a few records, those after its last
 * commit) or rebuilt a store from the whole changelog, and so why its tasks waited. A restore that
 * read nothing is logged at debug level only; one that stops because its task moved to another
 * instance says so.
 *
 * <p>Kafka Streams calls it from its restoring threads; it keeps only the start time of each
 * restore under way.
 */
public final class StoreRestoreLog implements StateRestoreListener {

    private static final Logger log = LoggerFactory.getLogger(StoreRestoreLog.class);

    private final String applicationId;
    private final Map<TopicPartition, Long> startedAtNanos = new ConcurrentHashMap<>();

    /** @param applicationId the application whose restores it logs, the first word of each line */
    public StoreRestoreLog(String applicationId) {
        this.applicationId = applicationId;
    }

    @Override
    public void onRestoreStart(TopicPartition changelog, String storeName, long startingOffset, long endingOffset) {
        startedAtNanos.put(changelog, System.nanoTime());
        log.debug("{}: restoring store {} from {}, offsets {} to {}", applicationId, storeName, changelog, startingOffset, endingOffset);
    }

    @Override
    public void onBatchRestored(TopicPartition changelog, String storeName, long batchEndOffset, long numRestored) {
        // The end of the restore says how many; a line per batch would only repeat it in parts.
    }

    @Override
    public void onRestoreEnd(TopicPartition changelog, String storeName, long totalRestored) {
        long ms = elapsedMs(changelog);
        if (totalRestored > 0) {
            log.info("{}: restored {} records of store {} from {} in {} ms", applicationId, totalRestored, storeName, changelog, ms);
        } else {
            log.debug("{}: store {} was up to date with {}", applicationId, storeName, changelog);
        }
    }

    @Override
    public void onRestoreSuspended(TopicPartition changelog, String storeName, long totalRestored) {
        log.info("{}: stopped restoring store {} from {} after {} records in {} ms: its task moved to another instance",
                applicationId, storeName, changelog, totalRestored, elapsedMs(changelog));
    }

    private long elapsedMs(TopicPartition changelog) {
        Long started = startedAtNanos.remove(changelog);
        return started == null ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }
}
