package dev.sagaline.participant.internals;

import dev.sagaline.schemas.failures.ThreadFailures;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The participant's stream-thread failure handler when the caller gives none: a failure
 * {@link ThreadFailures} calls transient replaces the thread (the new one reads the command again
 * from the last commit); anything else shuts the client down, Kafka Streams' default.
 */
public final class ThreadFailureResponse implements StreamsUncaughtExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ThreadFailureResponse.class);

    @Override
    public StreamThreadExceptionResponse handle(Throwable e) {
        return ThreadFailures.transientCause(e).map(row -> {
            log.warn("participant stream thread stopped: {}; replacing it", row.why(), e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }).orElse(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }
}
