package dev.sagaline.orchestrator.internals.processor;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A one-shot fault switch for crash tests: once armed, the next decision the coordinator applies
 * in this JVM writes the saga's state and then kills its stream thread before the commands and
 * events are forwarded, the one point where a non-transactional orchestrator would lose a command.
 * Nothing outside tests arms it; unarmed it costs one atomic read per decision.
 */
public final class CrashSwitch {

    private static final AtomicReference<CountDownLatch> ARMED = new AtomicReference<>();

    private CrashSwitch() {
    }

    /** Arms the switch; the returned latch opens when the crash has been thrown. */
    public static CountDownLatch armAfterStateWrite() {
        CountDownLatch fired = new CountDownLatch(1);
        ARMED.set(fired);
        return fired;
    }

    static void fireIfArmed(String sagaId) {
        CountDownLatch fired = ARMED.getAndSet(null);
        if (fired != null) {
            fired.countDown();
            throw new SimulatedCrash(sagaId);
        }
    }

    /**
     * An Error, so that no processing exception handler turns it into a dead letter: the stream
     * thread dies as a process would, and its open transaction is never committed.
     */
    private static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String sagaId) {
            super("simulated orchestrator crash after the state write of saga " + sagaId + ", before its commands and events were forwarded");
        }
    }
}
