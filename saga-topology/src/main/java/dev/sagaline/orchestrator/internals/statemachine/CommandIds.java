package dev.sagaline.orchestrator.internals.statemachine;

import dev.sagaline.protocol.v1.StepAction;

/**
 * Command ids and retry jitter, both derived rather than drawn, so that a replay of the same input
 * after a crash sends the same commands at the same times.
 */
final class CommandIds {

    private CommandIds() {
    }

    /** The id of attempt {@code attempt} of {@code action} on {@code step} of saga {@code sagaId}. */
    static String of(String sagaId, String step, StepAction action, int attempt) {
        return sagaId + '/' + step + '/' + action + '/' + attempt;
    }

    /** A value in [0, 1) fixed by the command id, spreading retries without randomness. */
    static double spread(String commandId) {
        int h = commandId.hashCode() * 0x9E3779B1;
        return (h >>> 8) / (double) (1 << 24);
    }
}
