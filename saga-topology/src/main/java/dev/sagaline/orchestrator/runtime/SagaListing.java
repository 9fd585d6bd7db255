package dev.sagaline.orchestrator.runtime;

import dev.sagaline.protocol.v1.SagaStatus;

/**
 * One saga in a list by status: what the status index holds about it. Lists sort by status, then
 * saga id; {@code position} is where the list stands after this entry, to resume a page from.
 *
 * @param sagaId the saga instance
 * @param status its status
 * @param sagaType the name of its definition
 * @param position an opaque position to pass back as a list's {@code after}
 */
public record SagaListing(String sagaId, SagaStatus status, String sagaType, String position) {
}
