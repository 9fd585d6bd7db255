package dev.sagaline.participant.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.participant.StepResult;
import dev.sagaline.participant.UnroutableCommandException;
import dev.sagaline.participant.example.ReserveStock;
import dev.sagaline.participant.example.StockReservation;
import dev.sagaline.protocol.DeadLetterReason;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.InMemorySchemaRegistry;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import dev.sagaline.localpostgres.LocalPostgres;
import dev.sagaline.localpostgres.LocalPostgresExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Outbox rows commit and roll back with the business change they announce. */
@Tag("integration")
@ExtendWith(LocalPostgresExtension.class)
class OutboxIT {

    private final PostgresDatabase db;
    private final MutableClock clock = new MutableClock();
    private final Outbox outbox = new Outbox(OutboxSchema.defaults());

    OutboxIT(LocalPostgres postgres) {
        db = PostgresDatabase.create(postgres);
    }

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    @Test
    void aRolledBackTransactionLeavesNeitherTheBusinessRowNorTheMessage() throws SQLException {
        try (Connection tx = db.transaction()) {
            db.reserve(tx, "r-1", "sku-42", 2);
            outbox.append(tx, event("stock-reserved-r-1"));
            tx.rollback();
        }

        assertThat(db.count("reservation")).isZero();
        assertThat(db.count("sagaline_outbox")).isZero();
    }

    @Test
    void aCommittedTransactionKeepsTheBusinessRowAndTheWholeMessage() throws SQLException {
        OutboxMessage message = event("stock-reserved-r-1").withHeader("trace-id", "t-7").withHeader("type", "StockReserved");
        try (Connection tx = db.transaction()) {
            db.reserve(tx, "r-1", "sku-42", 2);
            outbox.append(tx, message);
            tx.commit();
        }

        assertThat(db.strings("SELECT id FROM reservation")).containsExactly("r-1");
        try (Connection connection = db.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT message_id, topic, message_key, message_value, headers, created_at, published_at FROM sagaline_outbox");
                ResultSet row = select.executeQuery()) {
            assertThat(row.next()).isTrue();
            assertThat(new OutboxMessage(row.getString("message_id"), row.getString("topic"), row.getString("message_key"),
                    row.getBytes("message_value"), HeaderCodec.decode(row.getBytes("headers")), Jdbc.getInstant(row, "created_at")))
                    .isEqualTo(message);
            assertThat(row.getObject("published_at")).isNull();
            assertThat(row.next()).isFalse();
        }
    }

    @Test
    void appendingAMessageIdAgainFailsThatTransaction() throws SQLException {
        try (Connection tx = db.transaction()) {
            outbox.append(tx, event("stock-reserved-r-1"));
            tx.commit();
        }

        try (Connection tx = db.transaction()) {
            db.reserve(tx, "r-1", "sku-42", 2);
            assertThatThrownBy(() -> outbox.append(tx, event("stock-reserved-r-1")))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("23"));
            tx.rollback();
        }
        assertThat(db.count("reservation")).isZero();
        assertThat(db.count("sagaline_outbox")).isOne();
    }

    @Test
    void refusesAConnectionInAutoCommitModeBecauseTheMessageWouldCommitAlone() throws SQLException {
        try (Connection autoCommitting = db.dataSource().getConnection()) {
            assertThatThrownBy(() -> outbox.append(autoCommitting, event("e-1")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("auto-commit")
                    .hasMessageContaining("e-1");
        }
        assertThat(db.count("sagaline_outbox")).isZero();
    }

    @Test
    void aReplyMessageCarriesTheStepReplyToTheCommandsReplyTopicKeyedBySagaId() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        ProtocolSerdes serdes = new ProtocolSerdes(registry);
        OutboxReplies replies = new OutboxReplies(serdes, clock);
        StockReservation reservation = new StockReservation("r-1", "sku-42", 2);

        OutboxMessage message = replies.reply(command("checkout.replies"), StepResult.succeeded(reservation));

        assertThat(message.id()).isEqualTo("reply:c-1");
        assertThat(message.topic()).isEqualTo("checkout.replies");
        assertThat(message.key()).isEqualTo("saga-1");
        StepReply reply = serdes.replies().deserialize("checkout.replies", message.value());
        assertThat(reply.getCommandId()).isEqualTo("c-1");
        assertThat(reply.getSagaId()).isEqualTo("saga-1");
        assertThat(reply.getStep()).isEqualTo("reserve-stock");
        assertThat(reply.getAction()).isEqualTo(StepAction.DO);
        assertThat(reply.getAttempt()).isEqualTo(1);
        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(reply.getRepliedAtMs()).isEqualTo(MutableClock.START);
        assertThat(Payloads.withRegistry(registry).decode(reply.getOutput(), StockReservation.class)).isEqualTo(reservation);
    }

    @Test
    void aRefusalReplyCarriesItsErrorCode() {
        ProtocolSerdes serdes = new ProtocolSerdes(new InMemorySchemaRegistry());

        OutboxMessage message = new OutboxReplies(serdes, clock)
                .reply(command("checkout.replies"), StepResult.failed("OUT_OF_STOCK", "sku-42 is sold out"));

        StepReply reply = serdes.replies().deserialize("checkout.replies", message.value());
        assertThat(reply.getOutcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(reply.getErrorCode()).isEqualTo("OUT_OF_STOCK");
        assertThat(reply.getOutput()).isNull();
    }

    @Test
    void aCommandWithoutReplyTopicCannotBeAnswered() {
        OutboxReplies replies = new OutboxReplies(new ProtocolSerdes(new InMemorySchemaRegistry()), clock);

        assertThatThrownBy(() -> replies.reply(command(" "), StepResult.succeeded()))
                .isInstanceOfSatisfying(UnroutableCommandException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.NO_REPLY_TOPIC))
                .hasMessageContaining("c-1");
    }

    @Test
    void aMessageRefusesAnInvalidTopicAndTheHeaderTheRelaySets() {
        assertThatThrownBy(() -> OutboxMessage.of("e-1", "no spaces allowed", "k", null, clock.instant()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'no spaces allowed'");
        assertThatThrownBy(() -> event("e-1").withHeader(OutboxMessage.ID_HEADER, "forged"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(OutboxMessage.ID_HEADER);
    }

    private OutboxMessage event(String id) {
        return OutboxMessage.of(id, "inventory.events", "sku-42", "{\"reserved\":2}".getBytes(StandardCharsets.UTF_8),
                clock.instant());
    }

    private static StepCommand command(String replyTopic) {
        return StepCommand.newBuilder()
                .setCommandId("c-1")
                .setSagaId("saga-1")
                .setSagaType("checkout")
                .setStep("reserve-stock")
                .setAction(StepAction.DO)
                .setAttempt(1)
                .setInput(Payloads.plainAvro().encode(new ReserveStock("o-1", "sku-42", 2)))
                .setReplyTopic(replyTopic)
                .setIssuedAtMs(MutableClock.START)
                .setMetadata(Map.of())
                .build();
    }
}
