/**
 * The participant runtime's implementation: the dispatch rules, the stores and the Kafka Streams
 * processor. Everything here may change without notice; use {@link dev.sagaline.participant}.
 */
package dev.sagaline.participant.internals;
