package dev.sagaline.participant.outbox;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the {@link CdcRelay}'s Debezium engine. Closing it while it is still starting would
 * leave the offset store it opened running, so close waits (bounded) until its task started or
 * its run ended.
 */
record EngineRun(DebeziumEngine<RecordChangeEvent<SourceRecord>> engine, CountDownLatch started, CountDownLatch ended) {

    private static final Logger log = LoggerFactory.getLogger(CdcRelay.class);

    void close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (started.getCount() > 0 && !ended.await(50, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            engine.close();
        } catch (IOException e) {
            log.warn("Stopping a Debezium engine failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
