/**
 * The indexes kept beside the saga store, in one store with one changelog so that they restore
 * with the saga store: due timers sorted by time, sagas by status for listing without a scan of
 * every saga, and the definition versions in use, so a task start checks them without decoding
 * any saga.
 */
package dev.sagaline.orchestrator.internals.store;
