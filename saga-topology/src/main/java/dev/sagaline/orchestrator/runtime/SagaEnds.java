package dev.sagaline.orchestrator.runtime;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaStatus;

/**
 * What "a saga ended" means when reading the audit topic, said once for every reader (the demo,
 * the benchmark, operators' tools, tests): the event that moves a saga into COMPLETED or
 * COMPENSATED finishes it for good; the one that moves it into STUCK stops it until an operator
 * (or the reply it waits for) moves it on.
 */
public final class SagaEnds {

    private SagaEnds() {
    }

    /** True for the event that moved its saga into COMPLETED or COMPENSATED; nothing changes the saga after it. */
    public static boolean finishes(SagaEvent event) {
        SagaStatus to = event.getToStatus();
        return event.getFromStatus() != to && (to == SagaStatus.COMPLETED || to == SagaStatus.COMPENSATED);
    }

    /** True for the event that moved its saga into STUCK. */
    public static boolean sticks(SagaEvent event) {
        return event.getFromStatus() != SagaStatus.STUCK && event.getToStatus() == SagaStatus.STUCK;
    }

    /** True when the event {@link #finishes finishes} or {@link #sticks sticks} its saga: it will not move by itself. */
    public static boolean ends(SagaEvent event) {
        return finishes(event) || sticks(event);
    }
}
