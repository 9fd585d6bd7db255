/**
 * The orchestrator's implementation; nothing here is API and any of it may change. Its
 * sub-packages: {@code statemachine}, the saga rules as tables ({@code SagaRules},
 * {@code OutcomeRules}, {@code StepLifecycle}) and the code that carries their verdicts out;
 * {@code processor}, the Kafka Streams processor and exception handler; {@code store}, the timer
 * and status indexes; {@code yaml}, the YAML definition reader. Architecture tests keep the public
 * packages from exposing these types and these from depending on the runtime or the test kit.
 */
package dev.sagaline.orchestrator.internals;
