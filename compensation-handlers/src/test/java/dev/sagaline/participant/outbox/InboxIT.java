package dev.sagaline.participant.outbox;

import static dev.sagaline.participant.testsupport.RecordingHandlers.HOLD_FUNDS;
import static dev.sagaline.participant.testsupport.RecordingHandlers.RESERVE_STOCK;
import static dev.sagaline.protocol.v1.StepAction.CANCEL;
import static dev.sagaline.protocol.v1.StepAction.COMPENSATE;
import static dev.sagaline.protocol.v1.StepAction.CONFIRM;
import static dev.sagaline.protocol.v1.StepAction.DO;
import static dev.sagaline.protocol.v1.StepAction.TRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.localpostgres.LocalPostgres;
import dev.sagaline.localpostgres.LocalPostgresExtension;
import dev.sagaline.participant.DispatchResult;
import dev.sagaline.participant.ParticipantErrorCodes;
import dev.sagaline.participant.example.HoldFunds;
import dev.sagaline.participant.example.ReserveStock;
import dev.sagaline.participant.testsupport.CommandSpec;
import dev.sagaline.participant.testsupport.RecordingHandlers;
import dev.sagaline.protocol.DeadLetterReason;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A plain consumer's inbox on PostgreSQL: the participant's rules (duplicates, empty rollback,
 * anti-hanging, TCC states) over a table written in the business transaction, with the reply
 * appended to the outbox in that same transaction.
 */
@Tag("integration")
@ExtendWith(LocalPostgresExtension.class)
class InboxIT {

    private static final ReserveStock ORDER = new ReserveStock("order-1", "sku-42", 2);
    private static final HoldFunds HOLD = new HoldFunds("acct-7", 1999L, "EUR");

    private final PostgresDatabase db;
    private final MutableClock clock = new MutableClock();
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final Payloads payloads = Payloads.withRegistry(registry);
    private final ProtocolSerdes serdes = new ProtocolSerdes(registry);
    private final Outbox outbox = new Outbox(OutboxSchema.defaults());
    private final RecordingHandlers inventory = new RecordingHandlers();
    private final Inbox inbox = new Inbox(Inbox.DEFAULT_TABLE, payloads, new OutboxReplies(serdes, clock), clock);

    InboxIT(LocalPostgres postgres) {
        db = PostgresDatabase.create(postgres);
        inbox.create(db.dataSource());
    }

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    @Test
    void answersACommandOnceAndARedeliveryFromMemoryWithoutASecondReplyInTheOutbox() throws SQLException {
        StepCommand reserve = command("saga-1", RESERVE_STOCK, DO).input(ORDER).build();

        StepReply first = replied(handle(reserve), false);
        StepReply again = replied(handle(reserve), true);

        assertThat(first.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(again.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(inventory.calls(DO)).isOne();
        assertThat(outboxReplies()).extracting(StepReply::getCommandId).containsExactly(reserve.getCommandId());
    }

    @Test
    void aRolledBackTransactionForgetsTheCommandWithItsWorkSoTheRedeliveryRunsIt() throws SQLException {
        StepCommand reserve = command("saga-1", RESERVE_STOCK, DO).input(ORDER).build();
        try (Connection tx = db.transaction()) {
            inbox.handle(tx, reserve, inventory.handlers(), outbox);
            tx.rollback();
        }

        replied(handle(reserve), false);

        assertThat(inventory.calls(DO)).isEqualTo(2);
        assertThat(outboxReplies()).hasSize(1);
    }

    @Test
    void aCompensationForAStepNeverDoneHereSucceedsWithoutCallingTheHandler() throws SQLException {
        StepReply reply = replied(handle(command("saga-1", RESERVE_STOCK, COMPENSATE).input(RecordingHandlers.reservationFor(ORDER))
                .build()), false);

        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(inventory.calls(COMPENSATE)).isZero();
        assertThat(outboxReplies()).extracting(StepReply::getAction).containsExactly(COMPENSATE);
    }

    @Test
    void aForwardActionArrivingAfterItsCompensationIsRefused() throws SQLException {
        handle(command("saga-1", RESERVE_STOCK, COMPENSATE).input(RecordingHandlers.reservationFor(ORDER)).build());

        StepReply late = replied(handle(command("saga-1", RESERVE_STOCK, DO).input(ORDER).build()), false);

        assertThat(late.getOutcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(late.getErrorCode()).isEqualTo(ParticipantErrorCodes.ALREADY_ROLLED_BACK);
        assertThat(inventory.calls(DO)).isZero();
    }

    @Test
    void confirmIsIdempotentAndACancelAfterItIsRefusedAcrossTransactionsAndInboxInstances() throws SQLException {
        handle(command("saga-1", HOLD_FUNDS, TRY).input(HOLD).build());
        handle(command("saga-1", HOLD_FUNDS, CONFIRM).input(HOLD).build());
        Inbox restarted = new Inbox(Inbox.DEFAULT_TABLE, payloads, new OutboxReplies(serdes, clock), clock);

        StepReply confirmAgain = replied(handle(restarted, command("saga-1", HOLD_FUNDS, CONFIRM).attempt(2).input(HOLD).build()),
                false);
        StepReply cancel = replied(handle(restarted, command("saga-1", HOLD_FUNDS, CANCEL).input(HOLD).build()), false);

        assertThat(confirmAgain.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(cancel.getOutcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(cancel.getErrorCode()).isEqualTo(ParticipantErrorCodes.ALREADY_CONFIRMED);
        assertThat(inventory.calls(CONFIRM)).isOne();
        assertThat(inventory.calls(CANCEL)).isZero();
    }

    @Test
    void aConfirmWithoutASuccessfulTryIsRefused() throws SQLException {
        StepReply confirm = replied(handle(command("saga-1", HOLD_FUNDS, CONFIRM).input(HOLD).build()), false);

        assertThat(confirm.getErrorCode()).isEqualTo(ParticipantErrorCodes.NOT_TRIED);
        assertThat(inventory.calls(CONFIRM)).isZero();
    }

    @Test
    void aCommandForAStepWithoutAHandlerIsForTheDeadLetterTopicAndWritesNothing() throws SQLException {
        DispatchResult result = handle(command("saga-1", "ship-order", DO).input(ORDER).build());

        assertThat(result).isInstanceOfSatisfying(DispatchResult.DeadLettered.class,
                dead -> assertThat(dead.reason()).isEqualTo(DeadLetterReason.NO_HANDLER));
        assertThat(db.count(Inbox.DEFAULT_TABLE)).isZero();
        assertThat(db.count("sagaline_outbox")).isZero();
    }

    @Test
    void refusesAConnectionInAutoCommitMode() throws SQLException {
        try (Connection autoCommitting = db.dataSource().getConnection()) {
            assertThatThrownBy(() -> inbox.handle(autoCommitting, command("saga-1", RESERVE_STOCK, DO).input(ORDER).build(),
                    inventory.handlers(), outbox))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("auto-commit");
        }
    }

    private CommandSpec command(String sagaId, String step, StepAction action) {
        return CommandSpec.of(payloads, sagaId, step, action);
    }

    private DispatchResult handle(StepCommand command) throws SQLException {
        return handle(inbox, command);
    }

    private DispatchResult handle(Inbox using, StepCommand command) throws SQLException {
        try (Connection tx = db.transaction()) {
            DispatchResult result = using.handle(tx, command, inventory.handlers(), outbox);
            tx.commit();
            return result;
        }
    }

    private static StepReply replied(DispatchResult result, boolean duplicate) {
        assertThat(result).isInstanceOf(DispatchResult.Replied.class);
        DispatchResult.Replied replied = (DispatchResult.Replied) result;
        assertThat(replied.duplicate()).as("answered from memory").isEqualTo(duplicate);
        return replied.reply();
    }

    private List<StepReply> outboxReplies() {
        return db.strings("SELECT encode(message_value, 'base64') FROM sagaline_outbox ORDER BY seq").stream()
                .map(base64 -> serdes.replies().deserialize("checkout.replies",
                        java.util.Base64.getMimeDecoder().decode(base64)))
                .toList();
    }
}
