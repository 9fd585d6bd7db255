package dev.sagaline.participant.outbox;

import java.time.Duration;
import java.util.function.IntSupplier;
import org.slf4j.Logger;

/**
 * The life of a worker that runs passes over a table, the polling relay's and the retry
 * scheduler's alike: passes on the caller's thread on demand, or on a {@link PollingThread} of
 * its own once started; started at most once, closed once; and never two passes at a time.
 */
final class PassLoop {

    private final String kind;
    private final String table;
    private final Duration interval;
    private final int fullPass;
    private final IntSupplier pass;
    private final Logger log;
    private final String failureContext;

    private volatile boolean closed;
    private PollingThread worker;

    /**
     * @param kind what runs the passes, as messages name it ("outbox relay")
     * @param fullPass how much a pass that found a backlog does, so the next one runs at once
     * @param failureContext what a failed pass was doing, for the log
     */
    PassLoop(String kind, String table, Duration interval, int fullPass, IntSupplier pass, Logger log, String failureContext) {
        this.kind = kind;
        this.table = table;
        this.interval = interval;
        this.fullPass = fullPass;
        this.pass = pass;
        this.log = log;
        this.failureContext = failureContext;
    }

    /** Starts the thread {@code sagaline-<kind>-<table>}; fails if started or closed before. */
    synchronized void start() {
        requireOpen();
        if (worker != null) {
            throw new IllegalStateException("the " + kind + " for table " + table + " is already started");
        }
        worker = new PollingThread("sagaline-" + kind.replace(' ', '-') + "-" + table, interval, fullPass, this::runIfOpen, log,
                failureContext);
        worker.start();
    }

    /** Runs one pass on the calling thread; fails if closed. */
    synchronized int runNow() {
        requireOpen();
        return pass.getAsInt();
    }

    /** True once {@link #close} began: a long pass checks it to stop early. */
    boolean isClosed() {
        return closed;
    }

    /**
     * Stops the thread after its current pass, waiting up to {@code timeout} for it.
     *
     * @return true for the call that closed the loop; false if it was closed before
     */
    boolean close(Duration timeout) {
        PollingThread running;
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
            running = worker;
        }
        if (running != null && !running.stop(timeout)) {
            log.warn("The {} thread for table {} did not stop within {}", kind, table, timeout);
        }
        return true;
    }

    /** Runs {@code action} once no pass is running, and keeps the next one from starting meanwhile. */
    synchronized void betweenPasses(Runnable action) {
        action.run();
    }

    private synchronized int runIfOpen() {
        return closed ? 0 : pass.getAsInt();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the " + kind + " for table " + table + " is closed");
        }
    }
}
