package dev.sagaline.orchestrator.internals.statemachine;

import dev.sagaline.protocol.v1.StepAction;

/**
 * Command ids and retry jitter, both derived rather than drawn, so that a replay of the same input
 * after a crash sends the same commands at the same times.
 */
final class CommandIds {

    private CommandIds() {
    }

    /**
     * The id of attempt {@code attempt} of {@code action} on {@code step} of saga {@code sagaId}:
     * {@code sagaId/step/ACTION/attempt}, with {@code %} and {@code /} in the saga id and step name
     * percent-encoded, so no two (saga, step) pairs share an id.
     */
    static String of(String sagaId, String step, StepAction action, int attempt) {
        return escape(sagaId) + '/' + escape(step) + '/' + action + '/' + attempt;
    }

    private static String escape(String part) {
        return part.indexOf('%') < 0 && part.indexOf('/') < 0 ? part : part.replace("%", "%25").replace("/", "%2F");
    }

    /** A value in [0, 1) fixed by the command id, spreading retries without randomness. */
    static double spread(String commandId) {
        int h = commandId.hashCode() * 0x9E3779B1;
        return (h >>> 8) / (double) (1 << 24);
    }
}
