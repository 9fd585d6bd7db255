/**
 * Reliable messaging for participants whose work lands in their own database, which cannot join a
 * Kafka transaction: a <b>transactional outbox</b> with a polling relay, and a <b>transaction
 * log</b> with scheduled retries. Plain JDBC, tested on PostgreSQL.
 *
 * <ul>
 *   <li>{@link dev.sagaline.participant.outbox.Outbox} writes an
 *       {@link dev.sagaline.participant.outbox.OutboxMessage} in the caller's database
 *       transaction, next to the change it announces. An {@link
 *       dev.sagaline.participant.outbox.OutboxRelay} publishes committed messages in order with an
 *       idempotent producer: the {@link dev.sagaline.participant.outbox.PollingRelay} by querying
 *       the table, the {@link dev.sagaline.participant.outbox.CdcRelay} by reading PostgreSQL's
 *       write-ahead log with Debezium; {@link dev.sagaline.participant.outbox.OutboxRelayConfig}
 *       chooses. Publishing is at least once: consumers drop a message whose {@value
 *       dev.sagaline.participant.outbox.OutboxMessage#ID_HEADER} they have seen.</li>
 *   <li>{@link dev.sagaline.participant.outbox.Inbox} gives a plain consumer the participant's
 *       memory and rules in a table written in the same transaction.</li>
 *   <li>{@link dev.sagaline.participant.outbox.TransactionLog} records a PENDING action in the
 *       caller's transaction; {@link dev.sagaline.participant.outbox.RetryScheduler} runs it
 *       through an {@link dev.sagaline.participant.outbox.Action} with exponential backoff until it
 *       is DONE, or marks it FAILED with the reason. Nothing is dropped.</li>
 *   <li>{@link dev.sagaline.participant.outbox.OutboxSchema} names the two tables and creates
 *       them.</li>
 * </ul>
 *
 * <h2>Two ways to fit a database-backed service into a saga</h2>
 *
 * <p><b>1. A {@link dev.sagaline.participant.Participant} handler, plus the outbox for domain
 * events.</b> The handler commits its database transaction and returns its result as usual; the
 * reply is sent in the participant's Kafka transaction, so it needs no outbox. What the outbox adds
 * is the service's own events (say {@code StockReserved} for other services), committed with the
 * change instead of sent beside it. The two commits are separate: if the process dies after the
 * database commit and before the Kafka commit, the command is handled again with the same command
 * id. The handler must then find its earlier work (key it by {@code ctx.idempotencyKey()}, the same for every attempt) and return
 * the same result without appending the event again. All of the participant's rules (duplicates,
 * empty rollback, anti-hanging, TCC) still apply.
 *
 * <pre>{@code
 * OutboxSchema schema = OutboxSchema.defaults();
 * schema.create(dataSource);                                    // once, at start; does nothing if the tables exist
 * Outbox outbox = new Outbox(schema);
 *
 * ParticipantHandlers handlers = ParticipantHandlers.builder()
 *         .onDo("reserve-stock", ReserveStock.class, (order, ctx) -> {
 *             try (Connection tx = dataSource.getConnection()) {
 *                 tx.setAutoCommit(false);
 *                 Optional<String> earlier = stock.reservationFor(tx, ctx.idempotencyKey());   // a re-run after a crash
 *                 if (earlier.isPresent()) {
 *                     return StepResult.succeeded(new StockReservation(earlier.get(), order.getSku(), order.getQuantity()));
 *                 }
 *                 if (stock.available(tx, order.getSku()) < order.getQuantity()) {
 *                     return StepResult.failed("OUT_OF_STOCK", order.getSku() + " is sold out");   // nothing written
 *                 }
 *                 String reservationId = stock.reserve(tx, ctx.idempotencyKey(), order);        // UPDATE stock, INSERT reservation
 *                 outbox.append(tx, OutboxMessage.of("stock-reserved-" + reservationId, "inventory.events",
 *                         order.getSku(), stockReservedEvent(reservationId, order), clock.instant()));
 *                 tx.commit();                                                              // the reservation and its event, or neither
 *                 return StepResult.succeeded(new StockReservation(reservationId, order.getSku(), order.getQuantity()));
 *             }
 *         })
 *         .build();
 *
 * try (OutboxRelay relay = OutboxRelay.create(Map.of(                // sagaline.outbox.relay=cdc for Debezium
 *                 "producer.bootstrap.servers", "localhost:9092"), dataSource).start();
 *      Participant inventory = Participant.builder()
 *         .applicationId("inventory").bootstrapServers("localhost:9092").commandTopic("inventory.commands")
 *         .handlers(handlers).build()) {
 *     inventory.start();
 *     awaitShutdown();
 * }
 * }</pre>
 *
 * <p><b>2. A plain consumer, with the reply in the outbox.</b> The service reads its command
 * topic with an ordinary consumer (auto-commit off) and, in one database transaction, lets the
 * {@link dev.sagaline.participant.outbox.Inbox} apply the participant's rules (a redelivered
 * command id is answered from memory, empty rollback, anti-hanging, TCC states) over a table keyed
 * by command id, do the work through the handlers and append the reply built by {@link
 * dev.sagaline.participant.outbox.OutboxReplies}; it commits the consumer offset after the
 * database. The relay delivers the reply; a reply sent twice is ignored by the orchestrator, which
 * matches replies by command id. This needs no Kafka transaction at all.
 *
 * <pre>{@code
 * Inbox inbox = new Inbox(Inbox.DEFAULT_TABLE, Payloads.withRegistry(registry),
 *         new OutboxReplies(new ProtocolSerdes(registry), clock), clock);
 * inbox.create(dataSource);
 *
 * for (ConsumerRecord<String, StepCommand> record : consumer.poll(Duration.ofSeconds(1))) {
 *     try (Connection tx = dataSource.getConnection()) {
 *         tx.setAutoCommit(false);
 *         DispatchResult result = inbox.handle(tx, record.value(), stock.handlersIn(tx), outbox); // the stock change, in tx
 *         tx.commit();                                                                         // with its memory and reply
 *     }
 * }
 * consumer.commitSync();   // after the database: a crash in between redelivers, and the inbox answers from memory
 * }</pre>
 *
 * <h2>Transaction log</h2>
 * For an action that is not a Kafka message, or that needs retries with backoff and a place for
 * failures to wait for a person, record it with {@link
 * dev.sagaline.participant.outbox.TransactionLog#record} in the business transaction and let a
 * {@link dev.sagaline.participant.outbox.RetryScheduler} run it:
 *
 * <pre>{@code
 * TransactionLog transactionLog = new TransactionLog(dataSource, schema, Clock.systemUTC());
 * // in the business transaction:
 * transactionLog.record(tx, "refund-" + orderId, "refund-payment", refundBytes);
 *
 * try (RetryScheduler scheduler = RetryScheduler.builder()
 *         .transactionLog(transactionLog)
 *         .action(entry -> payments.refund(entry.id(), entry.payload())   // idempotent on the entry id
 *                 ? ActionResult.done() : ActionResult.retry("payment service busy"))
 *         .backoff(RetryPolicy.attempts(8).withBackoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5)))
 *         .build()
 *         .start()) {
 *     awaitShutdown();
 * }
 * }</pre>
 *
 * <h2>Operating them</h2>
 * Run one relay per outbox table. Polling relays started by several instances of the service
 * take turns on the table's rows, so an extra one is harmless; a CDC relay's replication slot has
 * one reader at a time. Schedulers may run on every instance: each
 * claims due entries with {@code SELECT ... FOR UPDATE SKIP LOCKED} under a lease, so no entry
 * runs on two at once and one whose scheduler died is taken over when its lease runs out (see
 * {@link dev.sagaline.participant.outbox.PollingRelay} and {@link
 * dev.sagaline.participant.outbox.RetryScheduler}). Methods that take the caller's
 * {@link java.sql.Connection} throw {@link java.sql.SQLException}; the others, which use their own
 * connections, throw {@link dev.sagaline.participant.outbox.OutboxException}.
 */
package dev.sagaline.participant.outbox;
