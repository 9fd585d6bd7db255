/**
 * A real Apache Kafka broker for tests, the demo and the benchmark, with no Docker and no download.
 *
 * <p>{@link dev.sagaline.localkafka.LocalKafkaBroker} starts a single-node KRaft broker (broker
 * and controller in one node) in a child JVM built from this JVM's own classpath, bound to
 * 127.0.0.1 on free ports. Because it is a separate process, a test can kill it hard and restart
 * it on the same log directory to check what survives a crash; with the controller in a JVM of
 * its own, as below, even a kill right after a transaction commit:
 *
 * <pre>{@code
 * try (LocalKafkaBroker kafka = LocalKafkaBroker.builder().separateController(true).build().start()) {
 *     kafka.createTopics(Map.of("payments", 1));        // returns once the partition has a leader
 *     produceCommitted(kafka.clientConfig());
 *     kafka.killHard();                                  // SIGKILL, no clean shutdown
 *     kafka.restart();                                   // same directory, same ports
 *     assertEverythingCommittedIsThere(kafka.clientConfig());
 * }
 * }</pre>
 *
 * <p>JUnit 5 tests can let {@link dev.sagaline.localkafka.LocalKafka @LocalKafka} manage the
 * broker and inject it as a parameter. Topics it creates are ready for writes when the call
 * returns ({@code dev.sagaline.topics.TopicSetup}, shared with the rest of Sagaline). Failures surface as
 * {@link dev.sagaline.localkafka.LocalKafkaException} with the broker's last log lines.
 *
 * <p>Everything under {@code internals} may change without notice.
 */
package dev.sagaline.localkafka;
