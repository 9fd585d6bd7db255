/**
 * The saga test kit (artifact {@code sagaline-testkit}): a team's sagas run on the real
 * orchestrator topology in Kafka Streams' {@code TopologyTestDriver}, in JUnit 5, without a
 * broker. {@link dev.sagaline.orchestrator.testing.SagaTestKit} scripts starts, replies, faults
 * and clock moves and asserts in the saga's words; {@link
 * dev.sagaline.orchestrator.testing.SagaTestKitExtension} hands each test a fresh kit. Participants
 * can be scripted reply by reply or run by the participant library with the service's own handlers.
 */
package dev.sagaline.orchestrator.testing;
