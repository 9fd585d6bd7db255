/**
 * Running the orchestrator: its configuration ({@link dev.sagaline.orchestrator.runtime.SagalineConfig},
 * declared once and validated at start-up), its topics, the Kafka Streams topology it builds
 * ({@link dev.sagaline.orchestrator.runtime.SagaTopology}), the application that runs it with
 * exactly-once processing ({@link dev.sagaline.orchestrator.runtime.SagalineApp}) and the
 * interactive queries over its state stores that operators' tools read.
 */
package dev.sagaline.orchestrator.runtime;
