package dev.sagaline.orchestrator.internals.processor;

/**
 * The stable names of the orchestrator topology's stores, sources, processor and sinks. A store's
 * name is also its changelog's, so renaming one orphans every saga's state: they are pinned by a
 * golden topology description test.
 */
public final class TopologyNames {

    /** The saga state store: saga id to {@code SagaState}. */
    public static final String SAGA_STATE_STORE = "sagaline-saga-state";
    /**
     * The saga store's indexes in one store: due timers, sagas by status and the definition
     * versions in use ({@code SagaIndex}). Earlier unreleased builds kept them in three stores
     * ({@code sagaline-timers}, {@code sagaline-saga-status}, {@code sagaline-versions-in-use});
     * over their state the index is built once, from the saga store.
     */
    public static final String INDEX_STORE = "sagaline-saga-index";
    /** The source reading the requests topic. */
    public static final String REQUESTS_SOURCE = "sagaline-requests-source";
    /** The source reading the replies topic. */
    public static final String REPLIES_SOURCE = "sagaline-replies-source";
    /** The coordinator processor. */
    public static final String COORDINATOR = "sagaline-coordinator";
    /** The sink writing commands to their step's topic. */
    public static final String COMMANDS_SINK = "sagaline-commands-sink";
    /** The sink writing the coordinator's own records to the reply topic: ticks, and misrouted replies moved to their saga's partition. */
    public static final String REPLIES_SINK = "sagaline-replies-sink";
    /** The sink writing audit events. */
    public static final String EVENTS_SINK = "sagaline-events-sink";

    private TopologyNames() {
    }
}
