package dev.sagaline.participant.outbox;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;

/**
 * Runs one pass of work repeatedly on its own thread: again at once while passes come back full
 * (a backlog), after the poll interval when a pass finds less, and with a growing pause while
 * passes fail, so a database or broker outage is not logged several times a second.
 */
final class PollingThread {

    private static final Duration MAX_FAILURE_PAUSE = Duration.ofSeconds(30);

    private final Thread thread;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final Duration interval;
    private final int fullPass;
    private final IntSupplier pass;
    private final Logger log;
    private final String what;

    PollingThread(String name, Duration interval, int fullPass, IntSupplier pass, Logger log, String what) {
        this.interval = interval;
        this.fullPass = fullPass;
        this.pass = pass;
        this.log = log;
        this.what = what;
        this.thread = new Thread(this::loop, name);
        // Nothing is lost if the JVM exits mid-pass: the open database transaction rolls back and
        // the rows are handled again on the next start, so the thread need not hold the JVM up.
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Asks the loop to stop after the current pass and waits up to {@code timeout} for it. */
    boolean stop(Duration timeout) {
        stopRequested.countDown();
        if (Thread.currentThread() == thread) {
            return true;
        }
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    private void loop() {
        int failures = 0;
        while (stopRequested.getCount() > 0) {
            Duration pause;
            try {
                int done = pass.getAsInt();
                failures = 0;
                pause = done >= fullPass ? Duration.ZERO : interval;
            } catch (RuntimeException e) {
                failures++;
                pause = failurePause(failures);
                log.warn("{} failed ({} in a row); trying again in {} ms", what, failures, pause.toMillis(), e);
            }
            if (!pause.isZero() && !awaitStop(pause)) {
                return;
            }
        }
    }

    private Duration failurePause(int failures) {
        Duration pause = interval.multipliedBy(1L << Math.min(failures - 1, 10));
        Duration cap = interval.compareTo(MAX_FAILURE_PAUSE) > 0 ? interval : MAX_FAILURE_PAUSE;
        return pause.compareTo(cap) > 0 ? cap : pause;
    }

    /** Waits for the pause; false when stopping was requested (or the thread was interrupted) meanwhile. */
    private boolean awaitStop(Duration pause) {
        try {
            return !stopRequested.await(pause.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
