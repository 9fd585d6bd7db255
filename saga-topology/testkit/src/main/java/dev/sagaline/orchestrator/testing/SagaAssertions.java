package dev.sagaline.orchestrator.testing;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepAction;
import dev.sagaline.protocol.v1.StepState;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Assertions about one saga of a {@link SagaTestKit}, in the saga's own words. Each method throws
 * an {@link AssertionError} that shows what was expected and what the saga did.
 */
public final class SagaAssertions {

    private final SagaTestKit kit;
    private final String sagaId;

    SagaAssertions(SagaTestKit kit, String sagaId) {
        this.kit = kit;
        this.sagaId = sagaId;
    }

    /** The saga reached COMPLETED. */
    public SagaAssertions isCompleted() {
        return hasStatus(SagaStatus.COMPLETED);
    }

    /** The saga reached COMPENSATED. */
    public SagaAssertions isCompensated() {
        return hasStatus(SagaStatus.COMPENSATED);
    }

    /** The saga is STUCK, waiting for an operator. */
    public SagaAssertions isStuck() {
        return hasStatus(SagaStatus.STUCK);
    }

    /** The saga's status is {@code expected}. */
    public SagaAssertions hasStatus(SagaStatus expected) {
        SagaState state = kit.state(sagaId);
        if (state == null) {
            throw new AssertionError("expected saga '" + sagaId + "' to be " + expected + " but it is not in the store" + history());
        }
        if (state.getStatus() != expected) {
            throw new AssertionError("expected saga '" + sagaId + "' to be " + expected + " but it is " + state.getStatus() + history());
        }
        return this;
    }

    /** COMPENSATE or CANCEL succeeded for exactly these steps, in this order. */
    public SagaAssertions compensatedInOrder(String... steps) {
        List<String> undone = kit.events(sagaId).stream().filter(e -> e.getKind() == SagaEventKind.STEP_UNDONE)
                .map(SagaEvent::getStep).toList();
        if (!undone.equals(Arrays.asList(steps))) {
            throw new AssertionError("expected saga '" + sagaId + "' to compensate " + Arrays.asList(steps) + " in that order but it compensated " + undone + history());
        }
        return this;
    }

    /** No step was compensated or cancelled, and no COMPENSATE or CANCEL was sent. */
    public SagaAssertions compensatedNothing() {
        List<SentCommand> undo = kit.commands(sagaId).stream()
                .filter(c -> c.action() == StepAction.COMPENSATE || c.action() == StepAction.CANCEL).toList();
        if (!undo.isEmpty()) {
            throw new AssertionError("expected saga '" + sagaId + "' to compensate nothing but it sent " + undo + history());
        }
        return this;
    }

    /** No command of the saga awaits its reply. */
    public SagaAssertions hasNoPendingCommands() {
        SagaState state = kit.state(sagaId);
        List<String> pending = state == null ? List.of() : state.getSteps().stream().filter(s -> s.getCommandId() != null)
                .map(StepState::getCommandId).toList();
        if (!pending.isEmpty()) {
            throw new AssertionError("expected saga '" + sagaId + "' to have no pending command but these await a reply: " + pending + history());
        }
        return this;
    }

    /** The saga's audit events are exactly these kinds, in order. */
    public SagaAssertions hasEvents(SagaEventKind... kinds) {
        List<SagaEventKind> actual = kit.events(sagaId).stream().map(SagaEvent::getKind).toList();
        if (!actual.equals(Arrays.asList(kinds))) {
            throw new AssertionError("expected saga '" + sagaId + "' events " + Arrays.asList(kinds) + " but they were " + actual);
        }
        return this;
    }

    /** Some audit event of the saga is of this kind. */
    public SagaAssertions hasEvent(SagaEventKind kind) {
        if (kit.events(sagaId).stream().noneMatch(e -> e.getKind() == kind)) {
            throw new AssertionError("expected saga '" + sagaId + "' to have a " + kind + " event" + history());
        }
        return this;
    }

    private String history() {
        return "\nsaga events:\n" + kit.events(sagaId).stream()
                .map(e -> "  " + e.getSequence() + " " + e.getKind() + (e.getStep() == null ? "" : " " + e.getStep())
                        + " " + e.getToStatus() + (e.getReason() == null ? "" : " (" + e.getReason() + ")"))
                .collect(Collectors.joining("\n"));
    }
}
