/**
 * The participant library: how a service answers a saga orchestrator's step commands, exactly
 * once, with typed handlers and no database.
 *
 * <p>A service registers a handler per step and action, and runs a {@link
 * dev.sagaline.participant.Participant}: an exactly-once Kafka Streams application that reads the
 * service's command topic, calls the handler, and sends a {@code StepReply} to the command's reply
 * topic in the same transaction as the consumed offset and its memory of what it answered.
 *
 * <pre>{@code
 * // warehouse and ledger stand for the service's own state: a database, an API client
 * ParticipantHandlers handlers = ParticipantHandlers.builder()
 *         // DO: ReserveStock in, StockReservation out (the service's own Avro records)
 *         .onDo("reserve-stock", ReserveStock.class, (order, ctx) -> {
 *             if (warehouse.available(order.getSku()) < order.getQuantity()) {
 *                 return StepResult.failed("OUT_OF_STOCK", "sku " + order.getSku() + " is sold out");
 *             }
 *             // the same key for every attempt of this DO (never the command id, which changes per attempt)
 *             String reservationId = warehouse.reserve(ctx.idempotencyKey(), order.getSku(), order.getQuantity());
 *             return StepResult.succeeded(new StockReservation(reservationId, order.getSku(), order.getQuantity()));
 *         })
 *         // COMPENSATE: the orchestrator sends the DO's output as input
 *         .onCompensate("reserve-stock", StockReservation.class, (reservation, ctx) -> {
 *             warehouse.release(ctx.idempotencyKey(), reservation.getReservationId());   // one key for every undo attempt
 *             return StepResult.succeeded();
 *         })
 *         // TRY / CONFIRM / CANCEL
 *         .onTcc("hold-funds", HoldFunds.class, new TccHandler<HoldFunds>() {
 *             public StepResult tryStep(HoldFunds hold, StepContext ctx) {
 *                 ledger.hold(ctx.idempotencyKey(), hold);
 *                 return StepResult.succeeded();
 *             }
 *             public StepResult confirm(HoldFunds hold, StepContext ctx) {
 *                 ledger.capture(ctx.idempotencyKey());
 *                 return StepResult.succeeded();
 *             }
 *             public StepResult cancel(HoldFunds hold, StepContext ctx) {   // also when TRY reserved nothing
 *                 ledger.release(ctx.idempotencyKey());
 *                 return StepResult.succeeded();
 *             }
 *         })
 *         .build();
 *
 * try (Participant inventory = Participant.builder()
 *         .applicationId("inventory")                      // consumer group; dead letters go to inventory.dlq
 *         .bootstrapServers("localhost:9092")
 *         .commandTopic("inventory.commands")
 *         .schemaRegistryUrl("http://localhost:8081")
 *         .property("num.stream.threads", 2)              // any Kafka Streams or client setting
 *         .handlers(handlers)
 *         .build()) {
 *     inventory.start();
 *     awaitShutdown();
 * }
 * }</pre>
 *
 * <h2>Outcomes</h2>
 * A handler returns a {@link dev.sagaline.participant.StepResult}: {@code succeeded()} (with an
 * optional output record), {@code failed(code, message)} for a business refusal (reply
 * {@code FAILED}), or {@code retryable(code, message)} for a transient problem (reply
 * {@code RETRYABLE_ERROR}). Throwing {@link dev.sagaline.participant.BusinessFailureException} or
 * {@link dev.sagaline.participant.TransientFailureException} does the same; any other exception
 * is a {@code RETRYABLE_ERROR} with the exception's class name as the code.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>A command whose reply was committed is not handled again: a duplicate gets the remembered
 *       reply. A crash before the commit re-runs the handler, and a new attempt has a new command
 *       id, so side effects outside Kafka must be idempotent on {@link
 *       dev.sagaline.participant.StepContext#idempotencyKey()}, the same for every attempt.</li>
 *   <li>A retry (new command id) after the step succeeded or was refused gets that final outcome
 *       without a call; after a retryable error it calls the handler again.</li>
 *   <li>Empty rollback: COMPENSATE or CANCEL for a step whose DO/TRY never arrived, or was
 *       refused, succeeds without calling the handler. Anti-hanging: a DO/TRY after its rollback
 *       is refused. CONFIRM and CANCEL are idempotent and exclude each other. The error codes are
 *       in {@link dev.sagaline.participant.ParticipantErrorCodes}.</li>
 *   <li>Commands that cannot be answered (unreadable, no handler, unknown action) go to the
 *       dead-letter topic with {@link dev.sagaline.protocol.DeadLetterHeaders}, and processing
 *       goes on.</li>
 *   <li>This memory is kept while the saga may still send something: until the orchestrator's
 *       FORGET notice that the saga finished, and then for
 *       {@code sagaline.participant.processed.retention.ms} (7 days by default).</li>
 * </ul>
 *
 * <p>The same rules run without Kafka in a {@link dev.sagaline.participant.CommandDispatcher},
 * for in-process tests. Types under {@code internals} are not part of the API.
 */
package dev.sagaline.participant;
