/**
 * Indexes kept beside the saga store and rebuilt from it at task start: due timers sorted by
 * time, and sagas by status for listing without a scan of every saga.
 */
package dev.sagaline.orchestrator.internals.store;
