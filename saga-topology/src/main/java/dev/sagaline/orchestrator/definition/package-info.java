/**
 * Saga definitions: what a saga does, step by step, and how each step takes part in its
 * all-or-nothing promise. This is where a team starts.
 *
 * <p>A definition names the saga, lists its stages in order (a step, or a parallel group of
 * steps), and says for each step which topic its commands go to and what kind of step it is:
 * {@code compensatable} (undone by COMPENSATE when the saga turns back), {@code tcc} (TRY, then
 * CONFIRM or CANCEL), the one {@code pivot} (the point of no return; resolved, never guessed, when
 * its outcome is unknown) and {@code retriable} steps after it, which must not fail.
 *
 * <pre>{@code
 * SagaDefinition order = SagaDefinition.named("order")
 *         .step("reserve-stock").on("inventory.commands").compensatable()
 *         .step("charge-payment").on("payment.commands").pivot().input(StepInput.outputOf("reserve-stock"))
 *         .step("ship").on("shipping.commands").retriable().timeout(Duration.ofSeconds(10))
 *         .deadline(Duration.ofMinutes(5))
 *         .build();
 *
 * // in production: the app loads YAML definitions from sagaline.definitions.dir, or
 * SagalineApp app = SagalineApp.start(SagalineConfig.of(settings), SagaDefinitions.of(order));
 *
 * // in a test, without a broker (sagaline-testkit):
 * try (SagaTestKit kit = SagaTestKit.of(order)) {
 *     kit.start("o-1", "order");
 *     kit.replyTo("o-1", "reserve-stock").succeed();
 *     kit.replyTo("o-1", "charge-payment").fail("CARD_DECLINED", "insufficient funds");
 *     kit.replyTo("o-1", "reserve-stock").succeed();            // the COMPENSATE
 *     kit.assertThat("o-1").isCompensated().compensatedInOrder("reserve-stock");
 * }
 * }</pre>
 *
 * <p>Mistakes are caught when the definition is built ({@link
 * dev.sagaline.orchestrator.errors.InvalidSagaDefinitionException} names the saga, the step and
 * the fix); YAML definitions ({@link dev.sagaline.orchestrator.definition.SagaDefinitionLoader})
 * build the same objects. A saga keeps the definition version it started with until it finishes,
 * so definitions are versioned, not edited in place. The rules that run a saga are described in
 * the README ("Saga rules") and held as tables in the orchestrator's internals.
 */
package dev.sagaline.orchestrator.definition;
