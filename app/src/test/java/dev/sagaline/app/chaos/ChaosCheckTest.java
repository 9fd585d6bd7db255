package dev.sagaline.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepCommand;
import dev.sagaline.protocol.v1.StepOutcome;
import dev.sagaline.protocol.v1.StepReply;
import dev.sagaline.schemas.registry.SchemaRegistries;
import dev.sagaline.schemas.serde.ProtocolSerdes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ChaosCheckTest {

    private static final String RUN = "chaos0000002a-";
    private static final String SAGA = RUN + "order-0000001";
    private static final String STOCK = ChaosNode.Service.inventory.step;

    private final ProtocolSerdes serdes = new ProtocolSerdes(SchemaRegistries.fromUrl("memory://chaos-check-test", Map.of()));
    private final List<ConsumerRecord<String, byte[]>> events = new ArrayList<>();
    private final List<ConsumerRecord<String, byte[]>> commands = new ArrayList<>();
    private final List<ConsumerRecord<String, byte[]>> applied = new ArrayList<>();

    @Test
    void passesACompensatedSagaWhoseStockWasReservedAndReleased() {
        compensatedWithStockReleased();

        ChaosCheck.Verdict verdict = verdict();

        assertThat(verdict.passed()).as(verdict.problems.toString()).isTrue();
        assertThat(verdict.compensated).isEqualTo(1);
    }

    @Test
    void countsAHandlerRunThatTookEffectTwiceForOneCommandAsDoubleApplied() {
        compensatedWithStockReleased();
        appliedForward(StepAction.TRY, "try-1");

        assertThat(verdict().problems.get("doubleApplied")).singleElement().asString().contains("try-1");
    }

    @Test
    void countsARetryableAnswerRecordedForItsCommandAndItsStepAsOneRun() {
        event(1, SagaEventKind.STARTED, null, SagaStatus.RUNNING, 1_000);
        command(StepAction.TRY, "try-1", 1_001);
        byte[] retryable = serdes.replies().serializer().serialize("t", reply(StepAction.TRY, "try-1", StepOutcome.RETRYABLE_ERROR));
        applied.add(record("command/x/" + SAGA + "/try-1", retryable));
        applied.add(record("forward/x/" + SAGA + "/" + STOCK, retryable));
        command(StepAction.TRY, "try-2", 1_002);
        appliedForward(StepAction.TRY, "try-2");

        assertThat(verdict().count("doubleApplied")).isZero();
    }

    @Test
    void countsACompensatedSagaWithoutItsCancelAsMissingACompensationAndNotUndone() {
        event(1, SagaEventKind.STARTED, null, SagaStatus.RUNNING, 1_000);
        command(StepAction.TRY, "try-1", 1_001);
        appliedForward(StepAction.TRY, "try-1");
        event(2, SagaEventKind.COMPENSATED, SagaStatus.COMPENSATING, SagaStatus.COMPENSATED, 1_010);

        ChaosCheck.Verdict verdict = verdict();

        assertThat(verdict.count("missingCompensations")).isEqualTo(1);
        assertThat(verdict.count("effectsNotUndone")).isEqualTo(1);
    }

    @Test
    void countsASagaThatFinishedTwiceAndACommandIssuedAfterTheEnd() {
        compensatedWithStockReleased();
        event(9, SagaEventKind.COMPENSATED, SagaStatus.COMPENSATING, SagaStatus.COMPENSATED, 1_100);
        command(StepAction.TRY, "try-2", 1_200);

        ChaosCheck.Verdict verdict = verdict();

        assertThat(verdict.count("duplicatedTerminal")).isEqualTo(1);
        assertThat(verdict.count("commandsAfterTerminal")).isEqualTo(1);
    }

    @Test
    void countsAnAcknowledgedStartWithoutAnyEventAsLost() {
        compensatedWithStockReleased();

        ChaosCheck.Verdict verdict = new ChaosCheck(serdes).auditTopic("events", events).commandTopic("commands", commands)
                .appliedRecord("inventory", "changelog", applied).verdict(RUN, Set.of(SAGA, RUN + "order-0000002"));

        assertThat(verdict.problems.get("lost")).singleElement().asString().contains("order-0000002");
    }

    private void compensatedWithStockReleased() {
        event(1, SagaEventKind.STARTED, null, SagaStatus.RUNNING, 1_000);
        command(StepAction.TRY, "try-1", 1_001);
        appliedForward(StepAction.TRY, "try-1");
        command(StepAction.CANCEL, "cancel-1", 1_005);
        applied.add(record("closing/x/" + SAGA + "/" + STOCK, serdes.replies().serializer()
                .serialize("t", reply(StepAction.CANCEL, "cancel-1", StepOutcome.SUCCEEDED))));
        event(2, SagaEventKind.COMPENSATED, SagaStatus.COMPENSATING, SagaStatus.COMPENSATED, 1_010);
    }

    private ChaosCheck.Verdict verdict() {
        return new ChaosCheck(serdes).auditTopic("events", events).commandTopic("commands", commands)
                .appliedRecord("inventory", "changelog", applied).verdict(RUN, Set.of(SAGA));
    }

    /** A forward action that succeeded, as the participant records it: its step's entry alone. */
    private void appliedForward(StepAction action, String commandId) {
        applied.add(record("forward/x/" + SAGA + "/" + STOCK, serdes.replies().serializer()
                .serialize("t", reply(action, commandId, StepOutcome.SUCCEEDED))));
    }

    private void event(long sequence, SagaEventKind kind, SagaStatus from, SagaStatus to, long atMs) {
        SagaEvent event = SagaEvent.newBuilder().setSagaId(SAGA).setSagaType("order").setSequence(sequence).setKind(kind)
                .setFromStatus(from).setToStatus(to).setTimestampMs(Instant.ofEpochMilli(atMs)).build();
        events.add(record(SAGA, serdes.events().serializer().serialize("events", event)));
    }

    private void command(StepAction action, String commandId, long issuedAtMs) {
        StepCommand command = StepCommand.newBuilder().setCommandId(commandId).setSagaId(SAGA).setSagaType("order").setStep(STOCK)
                .setAction(action).setAttempt(1).setReplyTopic("replies").setIssuedAtMs(Instant.ofEpochMilli(issuedAtMs)).build();
        commands.add(record(SAGA, serdes.commands().serializer().serialize("commands", command)));
    }

    private static StepReply reply(StepAction action, String commandId, StepOutcome outcome) {
        return StepReply.newBuilder().setCommandId(commandId).setSagaId(SAGA).setStep(STOCK).setAction(action).setAttempt(1)
                .setOutcome(outcome).setRepliedAtMs(Instant.ofEpochMilli(1_000)).build();
    }

    private static ConsumerRecord<String, byte[]> record(String key, byte[] value) {
        return new ConsumerRecord<>("topic", 0, 0, key, value);
    }
}
