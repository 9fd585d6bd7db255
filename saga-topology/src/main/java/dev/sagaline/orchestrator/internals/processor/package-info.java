/**
 * The orchestrator's Kafka Streams processor: it feeds requests, replies and due timers to the
 * rules, writes the state, commands and events they decide in one exactly-once transaction, and
 * dead-letters input it cannot act on.
 */
package dev.sagaline.orchestrator.internals.processor;
