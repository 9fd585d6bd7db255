package dev.sagaline.orchestrator.runtime.support;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.StepKind;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaState;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.protocol.v1.StepResolution;
import dev.sagaline.protocol.v1.StepState;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.orchestrator.testing.SentCommand;
import dev.sagaline.schemas.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Plays a script of participant behaviour against one saga on the real topology: replies
 * (succeed, fail, retryable error), silence until the timeout, duplicates and stale replies, clock
 * moves, aborts and operator retries. After the script the participants cooperate (every
 * outstanding command succeeds, a STUCK saga is retried) until the saga finishes, so every run
 * ends in COMPLETED or COMPENSATED, or in {@link Run#unfinished()} when it does not.
 *
 * <p>Definitions come from a {@link Shape}: stages before the optional pivot hold compensatable or
 * TCC steps, stages after it retriable ones, and any stage but the pivot may be a group of 2-3.
 */
public final class RandomSagaScript {

    /** The saga every run starts. */
    public static final String SAGA_ID = "random-1";

    private static final int COOPERATIVE_ROUNDS = 300;
    private static final Duration COOPERATIVE_WAIT = Duration.ofMillis(500);

    /** What the participants, the clock or the operator do next. */
    public enum Act { SUCCEED, FAIL, RETRYABLE, SILENCE, WAIT, DUPLICATE, STALE, ABORT, RETRY, RESOLVE, LOSE }

    /**
     * One move of the script.
     *
     * @param act what happens
     * @param pick which outstanding command, earlier reply or earlier command it concerns (modulo their number)
     * @param millis how far the clock moves for SILENCE and WAIT
     */
    public record Move(Act act, int pick, int millis) {
    }

    /**
     * One step of a generated definition.
     *
     * @param tcc a TCC rather than a compensatable step, before the pivot
     * @param timeoutSeconds the step's timeout
     * @param attempts forward attempts of compensatable, TCC and pivot steps
     * @param retriableMax attempts of a retriable step before the saga is STUCK; 0 for no limit
     */
    public record MemberShape(boolean tcc, int timeoutSeconds, int attempts, int retriableMax) {
    }

    /** A stage: one step, or a parallel group of its members. */
    public record StageShape(List<MemberShape> members) {
    }

    /**
     * A generated definition.
     *
     * @param stages the stages in order
     * @param pivotAt the pivot's stage (its first member only), or -1 for none
     * @param deadlineSeconds the saga's deadline, or 0 for none
     */
    public record Shape(List<StageShape> stages, int pivotAt, int deadlineSeconds) {

        /** The definition this shape describes. */
        public SagaDefinition definition() {
            SagaDefinition.Builder saga = SagaDefinition.named("random");
            for (int s = 0; s < stages.size(); s++) {
                List<MemberShape> members = s == pivotAt ? stages.get(s).members().subList(0, 1) : stages.get(s).members();
                if (members.size() == 1) {
                    declare(saga.step("s" + s), members.get(0), kindAt(s, members.get(0)));
                } else {
                    int stage = s;
                    saga.parallel("g" + s, g -> {
                        for (int m = 0; m < members.size(); m++) {
                            declare(g.step("s" + stage + "m" + m), members.get(m), kindAt(stage, members.get(m)));
                        }
                    });
                }
            }
            if (deadlineSeconds > 0) {
                saga.deadline(Duration.ofSeconds(deadlineSeconds));
            }
            return saga.build();
        }

        private StepKind kindAt(int stage, MemberShape member) {
            if (stage == pivotAt) {
                return StepKind.PIVOT;
            }
            if (pivotAt >= 0 && stage > pivotAt) {
                return StepKind.RETRIABLE;
            }
            return member.tcc() ? StepKind.TCC : StepKind.COMPENSATABLE;
        }

        private static void declare(SagaDefinition.StepBuilder step, MemberShape member, StepKind kind) {
            step.on("random.commands").timeout(Duration.ofSeconds(member.timeoutSeconds()));
            RetryPolicy quick = new RetryPolicy(member.attempts(), Duration.ofMillis(200), 2.0, Duration.ofSeconds(2), 0.2);
            switch (kind) {
                case COMPENSATABLE -> step.compensatable().retry(quick);
                case TCC -> step.tcc().retry(quick);
                case PIVOT -> step.pivot().retry(quick);
                case RETRIABLE -> step.retriable().retry(quick.withMaxAttempts(member.retriableMax() == 0 ? RetryPolicy.UNLIMITED : member.retriableMax()));
                default -> throw new IllegalArgumentException("unknown step kind " + kind);
            }
        }
    }

    /**
     * What a run left behind.
     *
     * @param definition the saga's definition
     * @param events the saga's audit log
     * @param commands the commands it sent
     * @param finishNotices the FORGET notices it sent its participants
     * @param status its status at the end
     * @param unfinished true when cooperating participants could not finish it
     * @param pivotApplied true when the pivot's participant applied it (its reply may have been lost)
     */
    public record Run(SagaDefinition definition, List<SagaEvent> events, List<SentCommand> commands, List<SentCommand> finishNotices,
            SagaStatus status, boolean unfinished, boolean pivotApplied) {
    }

    private final SagaTestKit kit;
    private final SagaDefinition definition;
    private final List<Reply> replies = new ArrayList<>();
    /**
     * What the participant did for a command whose reply was lost (or that an operator resolved):
     * every later answer to that command id says the same, as a participant's record of it would.
     */
    private final Map<String, Act> decided = new HashMap<>();
    private final Set<String> answeredPivot = new HashSet<>();
    private boolean pivotApplied;

    private RandomSagaScript(SagaTestKit kit, SagaDefinition definition) {
        this.kit = kit;
        this.definition = definition;
    }

    /** Starts a saga of {@code shape}'s definition, plays {@code script}, lets the participants cooperate, and returns what happened. */
    public static Run play(Shape shape, List<Move> script) {
        SagaDefinition definition = shape.definition();
        try (SagaTestKit kit = SagaTestKit.builder().definitions(definition)
                .config(SagalineConfig.RETRY_BACKOFF_MS_CONFIG, 200L)
                .config(SagalineConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 2_000L)
                .config(SagalineConfig.UNDO_MAX_ATTEMPTS_CONFIG, 3)
                // Short enough that scripts reach a pivot STUCK in doubt, for the operator to resolve.
                .config(SagalineConfig.IN_DOUBT_MAX_MS_CONFIG, 4_000L)
                .build()) {
            RandomSagaScript player = new RandomSagaScript(kit, definition);
            kit.start(SAGA_ID, definition.name());
            script.forEach(player::apply);
            boolean finished = player.cooperate();
            return new Run(definition, kit.events(SAGA_ID), kit.commands(SAGA_ID), kit.finishNotices(SAGA_ID), kit.status(SAGA_ID), !finished,
                    player.pivotApplied);
        }
    }

    private void apply(Move move) {
        List<SentCommand> outstanding = outstanding();
        switch (move.act()) {
            case SUCCEED, FAIL, RETRYABLE -> {
                if (outstanding.isEmpty()) {
                    kit.advanceTime(Duration.ofMillis(move.millis()));
                } else {
                    answer(outstanding.get(move.pick() % outstanding.size()), move.act());
                }
            }
            case SILENCE -> kit.advanceTime(Duration.ofMillis(move.millis()).plusSeconds(1));
            case WAIT -> kit.advanceTime(Duration.ofMillis(move.millis() / 4));
            case DUPLICATE -> {
                if (!replies.isEmpty()) {
                    answer(replies.get(move.pick() % replies.size()).command(), replies.get(move.pick() % replies.size()).act());
                }
            }
            case STALE -> {
                List<SentCommand> stale = kit.commands(SAGA_ID).stream().filter(c -> !outstanding.contains(c)).toList();
                if (!stale.isEmpty()) {
                    answer(stale.get(move.pick() % stale.size()), Act.values()[move.pick() % 3]);
                }
            }
            case ABORT -> kit.abort(SAGA_ID, "random abort");
            case RETRY -> kit.retry(SAGA_ID, "random retry");
            case RESOLVE -> resolvePivot(move.pick() % 2 == 0);
            case LOSE -> {
                // The participant applies the command, but its reply never reaches the orchestrator.
                if (!outstanding.isEmpty()) {
                    SentCommand command = outstanding.get(move.pick() % outstanding.size());
                    Act outcome = decided.computeIfAbsent(command.commandId(), id -> Act.SUCCEED);
                    if (isPivot(command.step()) && answeredPivot.add(command.commandId())) {
                        pivotApplied |= outcome == Act.SUCCEED;
                    }
                }
            }
            default -> throw new IllegalArgumentException("unknown act " + move.act());
        }
    }

    /** Succeeds every outstanding command and retries a STUCK saga until it finishes; false when it does not. */
    private boolean cooperate() {
        for (int round = 0; round < COOPERATIVE_ROUNDS; round++) {
            SagaStatus status = kit.status(SAGA_ID);
            if (status == SagaStatus.COMPLETED || status == SagaStatus.COMPENSATED) {
                return true;
            }
            List<SentCommand> outstanding = outstanding();
            if (status == SagaStatus.STUCK) {
                kit.retry(SAGA_ID, "cooperative retry");
            } else if (!outstanding.isEmpty()) {
                outstanding.forEach(c -> answer(c, Act.SUCCEED));
            } else {
                kit.advanceTime(COOPERATIVE_WAIT);
            }
        }
        return false;
    }

    /**
     * An operator asserting the pivot's outcome, truthfully: SUCCEEDED when its participant applied
     * the command, otherwise as {@code claimSuccess} says; a NOT_APPLIED makes the participant refuse
     * that command from now on. Refused by the orchestrator unless the pivot is in doubt.
     */
    private void resolvePivot(boolean claimSuccess) {
        definition.steps().stream().filter(s -> s.kind() == StepKind.PIVOT).findFirst().ifPresent(pivot -> {
            SagaState state = kit.state(SAGA_ID);
            String commandId = state == null ? null : state.getSteps().stream().filter(s -> s.getName().equals(pivot.name()))
                    .map(StepState::getCommandId).filter(Objects::nonNull).findFirst().orElse(null);
            boolean succeeded = commandId == null ? claimSuccess : decided.getOrDefault(commandId, claimSuccess ? Act.SUCCEED : Act.FAIL) == Act.SUCCEED;
            if (commandId != null) {
                decided.putIfAbsent(commandId, succeeded ? Act.SUCCEED : Act.FAIL);
                if (answeredPivot.add(commandId)) {
                    pivotApplied |= succeeded;
                }
            }
            kit.resolve(SAGA_ID, pivot.name(), succeeded ? StepResolution.SUCCEEDED : StepResolution.NOT_APPLIED, "random resolve");
        });
    }

    private boolean isPivot(String step) {
        return definition.steps().stream().anyMatch(s -> s.name().equals(step) && s.kind() == StepKind.PIVOT);
    }

    private void answer(SentCommand command, Act scripted) {
        Act act = decided.getOrDefault(command.commandId(), scripted);
        if (isPivot(command.step()) && answeredPivot.add(command.commandId())) {
            // The first answer to a pivot command is what its participant did; later contradicting
            // duplicates are scripted misbehaviour the orchestrator must ignore.
            pivotApplied |= act == Act.SUCCEED;
        }
        switch (act) {
            case SUCCEED -> kit.replyTo(command).succeed();
            case FAIL -> kit.replyTo(command).fail("REFUSED", "scripted refusal");
            case RETRYABLE -> kit.replyTo(command).retryableError("BUSY", "scripted transient error");
            default -> throw new IllegalArgumentException("not a reply: " + act);
        }
        replies.add(new Reply(command, act));
    }

    /** The commands the saga awaits a reply to. */
    private List<SentCommand> outstanding() {
        SagaState state = kit.state(SAGA_ID);
        if (state == null) {
            return List.of();
        }
        List<String> ids = state.getSteps().stream().map(StepState::getCommandId).filter(Objects::nonNull).toList();
        return kit.commands(SAGA_ID).stream().filter(c -> ids.contains(c.commandId())).toList();
    }

    private record Reply(SentCommand command, Act act) {
    }
}
