package dev.sagaline.orchestrator.internals.statemachine;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.CHECKOUT;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.FIRST_BACKOFF;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.ORDER;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.TIMED_ORDER;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.TRIP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.orchestrator.runtime.support.SagaFixtures;
import dev.sagaline.orchestrator.runtime.support.SagaHistory;
import dev.sagaline.orchestrator.runtime.support.WellFormedHistories;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.schemas.serde.Payloads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The transition table is the state machine: every row is exercised by a saga of the real
 * topology, no two rows leave one status on one trigger, and the README draws exactly this table.
 */
@ExtendWith(WellFormedHistories.class)
class SagaTransitionsTest {

    private static final Path README = Path.of("..", "README.md");
    private static final String START_MARK = "<!-- saga-state-machine:start -->";
    private static final String END_MARK = "<!-- saga-state-machine:end -->";
    private static final Duration RETENTION = Duration.ofMinutes(1);
    private static final int RECORD_MAX_BYTES = 8192;

    /**
     * Which trigger turned a saga back, when the table has several rows with the same statuses and
     * event: the event's reason says (see {@code SagaEvent.reason}).
     */
    private static final Map<SagaTrigger, String> REASON_PREFIX = Map.of(
            SagaTrigger.STEP_FAILED, "step ",
            SagaTrigger.DEADLINE, "deadline ",
            SagaTrigger.ABORT, "operator abort");

    /** Sagas that between them go through every row of the table. */
    private static final List<Consumer<SagaTestKit>> SCENARIOS = List.of(
            kit -> {
                kit.start("completed-then-purged", "order");
                List.of("reserve-stock", "charge-payment", "ship").forEach(step -> kit.replyTo("completed-then-purged", step).succeed());
                kit.advanceTime(RETENTION);
            },
            kit -> {
                kit.start("confirmed", "trip");
                List.of("hold-seat", "hold-room", "charge-card").forEach(step -> kit.replyTo("confirmed", step).succeed());
                List.of("hold-seat", "hold-room").forEach(step -> kit.replyTo("confirmed", step).succeed());
            },
            kit -> {
                kit.start("compensated-then-purged", "order");
                kit.replyTo("compensated-then-purged", "reserve-stock").fail("OUT_OF_STOCK", "none left");
                kit.replyTo("compensated-then-purged", "reserve-stock").succeed();
                kit.advanceTime(RETENTION);
            },
            kit -> {
                kit.start("past-deadline", "timed-order");
                kit.advanceTime(SagaFixtures.DEADLINE);
            },
            kit -> {
                kit.start("aborted", "order");
                kit.abort("aborted", "test");
            },
            kit -> {
                kit.start("stuck-forward", "checkout");
                List.of("reserve-stock", "charge-payment").forEach(step -> kit.replyTo("stuck-forward", step).succeed());
                for (int attempt = 1; attempt <= 3; attempt++) {
                    kit.replyTo("stuck-forward", "ship").fail("NO_COURIER", "none");
                    kit.advanceTime(FIRST_BACKOFF.multipliedBy(attempt));
                }
                kit.retry("stuck-forward", "test");
            },
            kit -> {
                kit.start("stuck-confirming", "trip");
                List.of("hold-seat", "hold-room", "charge-card").forEach(step -> kit.replyTo("stuck-confirming", step).succeed());
                for (int attempt = 1; attempt <= 3; attempt++) {
                    kit.replyTo("stuck-confirming", "hold-seat").fail("AIRLINE_DOWN", "none");
                    kit.advanceTime(FIRST_BACKOFF.multipliedBy(attempt));
                }
                kit.retry("stuck-confirming", "test");
            },
            kit -> {
                kit.start("stuck-compensating", "order");
                kit.replyTo("stuck-compensating", "reserve-stock").fail("OUT_OF_STOCK", "none left");
                kit.replyTo("stuck-compensating", "reserve-stock").fail("DB_DOWN", "none");
                kit.retry("stuck-compensating", "test");
            },
            kit -> {
                kit.start("halted-running", "fragile", null, Payloads.json("{}"));
                kit.replyTo("halted-running", "hold").succeed();
                kit.replyTo("halted-running", "probe").succeed();
            },
            kit -> {
                kit.start("halted-confirming", "fragile");
                List.of("hold", "probe", "last").forEach(step -> kit.replyTo("halted-confirming", step).succeed());
                // Keeping this error message would make the saga's state larger than a record may be.
                kit.replyTo("halted-confirming", "hold").retryableError("BUSY", "x".repeat(RECORD_MAX_BYTES));
            },
            kit -> {
                kit.start("halted-compensating", "fragile");
                kit.replyTo("halted-compensating", "hold").succeed();
                kit.replyTo("halted-compensating", "probe").succeedWith(Payloads.json("{}"));
                kit.replyTo("halted-compensating", "last").fail("REFUSED", "no");
                kit.replyTo("halted-compensating", "last").succeed();
                kit.replyTo("halted-compensating", "probe").succeed();
            });

    /**
     * {@code fragile}: a TCC step whose input mapping throws once {@code probe} has an output (so
     * its CANCEL cannot be built), and a last step whose mapping throws for a saga with an input.
     */
    private static final SagaDefinition FRAGILE = SagaDefinition.named("fragile")
            .step("hold").on("fragile.hold").tcc().input(saga -> {
                if (saga.output("probe").isPresent()) {
                    throw new IllegalStateException("hold's input cannot be built once probe has an output");
                }
                return null;
            })
            .step("probe").on("fragile.probe").compensatable().input(saga -> null)
            .step("last").on("fragile.last").compensatable().input(saga -> {
                if (saga.input().isPresent()) {
                    throw new IllegalStateException("last's input cannot be built from a saga input");
                }
                return null;
            })
            .build();

    @Test
    void exercisesEveryRowOfTheTransitionTable() {
        Set<SagaTransitions.Transition> exercised = new LinkedHashSet<>();
        try (SagaTestKit kit = SagaFixtures.kit(settings -> settings
                .config(SagalineConfig.FINISHED_RETENTION_MS_CONFIG, RETENTION.toMillis())
                .config(SagalineConfig.UNDO_MAX_ATTEMPTS_CONFIG, 1)
                .config(SagalineConfig.RECORD_MAX_BYTES_CONFIG, RECORD_MAX_BYTES), ORDER, TIMED_ORDER, TRIP, CHECKOUT, FRAGILE)) {
            SCENARIOS.forEach(scenario -> scenario.accept(kit));
            kit.events().stream().filter(e -> SagaHistory.TRANSITION_KINDS.contains(e.getKind())).map(SagaTransitionsTest::rowOf).forEach(exercised::add);
        }

        List<String> missing = SagaTransitions.table().stream().filter(row -> !exercised.contains(row)).map(Object::toString).toList();
        assertThat(missing).as("rows of SagaTransitions never exercised; add a scenario that goes through each").isEmpty();
    }

    @Test
    void leavesEachStatusOnEachTriggerByOneRowAtMost() {
        Map<String, Long> rows = SagaTransitions.table().stream()
                .collect(Collectors.groupingBy(t -> t.from() + " on " + t.trigger(), Collectors.counting()));

        assertThat(rows).allSatisfy((fromAndTrigger, count) -> assertThat(count).as(fromAndTrigger).isEqualTo(1L));
    }

    @Test
    void refusesAStatusChangeTheTableDoesNotHave() {
        assertThatThrownBy(() -> SagaTransitions.require(SagaStatus.COMPLETED, SagaTrigger.ABORT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no saga transition from COMPLETED on ABORT in the transition table");
    }

    @Test
    void drawsTheReadmeDiagramFromTheTable() throws IOException {
        String generated = SagaTransitions.mermaid();
        String howToFix = "\nRegenerate it: replace the ```mermaid block between " + START_MARK + " and " + END_MARK
                + " in README.md with the output of SagaTransitions.mermaid():\n```mermaid\n" + generated + "```\n";
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int start = readme.indexOf(START_MARK);
        int end = readme.indexOf(END_MARK);
        if (start < 0 || end < start) {
            fail("README.md has no state diagram section (" + START_MARK + " ... " + END_MARK + ")." + howToFix);
        }
        String section = readme.substring(start + START_MARK.length(), end);
        int open = section.indexOf("```mermaid\n");
        int close = section.lastIndexOf("```");
        if (open < 0 || close <= open) {
            fail("README.md's state diagram section has no ```mermaid block." + howToFix);
        }
        String drawn = section.substring(open + "```mermaid\n".length(), close);

        assertThat(drawn).as("README.md's state diagram differs from the transition table." + howToFix).isEqualTo(generated);
    }

    private static SagaTransitions.Transition rowOf(SagaEvent event) {
        SagaStatus to = event.getKind() == SagaEventKind.PURGED ? null : event.getToStatus();
        List<SagaTransitions.Transition> candidates = SagaTransitions.table().stream()
                .filter(t -> t.from() == event.getFromStatus() && t.event() == event.getKind() && Objects.equals(t.to(), to))
                .filter(t -> !REASON_PREFIX.containsKey(t.trigger()) || event.getReason().startsWith(REASON_PREFIX.get(t.trigger())))
                .filter(t -> (t.trigger() == SagaTrigger.HALTED) == event.getReason().startsWith(SagaRun.HALTED))
                .toList();
        if (candidates.size() != 1) {
            fail("event " + event.getKind() + " " + event.getFromStatus() + " -> " + to + " (" + event.getReason()
                    + ") matches " + candidates.size() + " rows of the table, not one: " + candidates);
        }
        return candidates.get(0);
    }
}
