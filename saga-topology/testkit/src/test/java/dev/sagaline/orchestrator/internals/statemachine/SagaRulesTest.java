package dev.sagaline.orchestrator.internals.statemachine;

import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.BOOKING;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.CHECKOUT;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.DEADLINE;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.FIRST_BACKOFF;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.ORDER;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.TIMED_ORDER;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.TRAVEL;
import static dev.sagaline.orchestrator.runtime.support.SagaFixtures.TRIP;
import static dev.sagaline.orchestrator.runtime.support.SagaHistory.commandsTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.orchestrator.runtime.support.SagaFixtures;
import dev.sagaline.orchestrator.runtime.support.WellFormedHistories;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.orchestrator.testing.SentCommand;
import dev.sagaline.protocol.v1.SagaStatus;
import dev.sagaline.schemas.serde.Payloads;
import dev.sagaline.protocol.v1.StepResolution;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rules tables are the state machine: every row of {@link SagaRules} and of
 * {@link StepLifecycle} is used by a saga of the real topology (the tables count their own uses),
 * the guards pick one row at most, and the README draws exactly these tables.
 */
@ExtendWith(WellFormedHistories.class)
class SagaRulesTest {

    private static final Path README = Path.of("..", "..", "README.md");
    private static final Duration RETENTION = Duration.ofMinutes(1);
    private static final Duration TIMEOUT = SagaFixtures.DEFAULT_TIMEOUT;
    private static final Duration ID_WINDOW = Duration.ofMinutes(2);
    private static final Duration IN_DOUBT_MAX = Duration.ofMinutes(2);
    private static final int RECORD_MAX_BYTES = 8192;

    /** One TCC step and a deadline, to refuse a deadline while confirming. */
    private static final SagaDefinition TIMED_TRIP = SagaDefinition.named("timed-trip")
            .step("hold-seat").on(TRAVEL).tcc().timeout(DEADLINE.multipliedBy(2))
            .deadline(DEADLINE)
            .build();

    /** Sagas that between them use every row of both tables. */
    private static final List<Consumer<SagaTestKit>> SCENARIOS = List.of(
            kit -> {
                kit.start("completed", "order");
                retriedThenSucceeded(kit, "completed", "reserve-stock");
                List.of("charge-payment", "ship").forEach(step -> kit.replyTo("completed", step).succeed());
                poke(kit, "completed", "order", first(kit, "completed", "reserve-stock"), last(kit, "completed", "reserve-stock"), true, true);
                kit.advanceTime(RETENTION);
            },
            kit -> {
                kit.start("confirmed", "trip");
                List.of("hold-seat", "hold-room").forEach(step -> kit.replyTo("confirmed", step).succeed());
                retriedThenSucceeded(kit, "confirmed", "charge-card");
                poke(kit, "confirmed", "trip", first(kit, "confirmed", "charge-card"), last(kit, "confirmed", "charge-card"), true, true);
                List.of("hold-seat", "hold-room").forEach(step -> kit.replyTo("confirmed", step).succeed());
            },
            kit -> {
                kit.start("compensated", "order");
                retriedThenSucceeded(kit, "compensated", "reserve-stock");
                kit.replyTo("compensated", "charge-payment").fail("CARD_DECLINED", "declined");
                poke(kit, "compensated", "order", first(kit, "compensated", "reserve-stock"), last(kit, "compensated", "reserve-stock"), true, true);
                List.of("charge-payment", "reserve-stock").forEach(step -> kit.replyTo("compensated", step).succeed());
                poke(kit, "compensated", "order", first(kit, "compensated", "reserve-stock"), last(kit, "compensated", "reserve-stock"), true, true);
                kit.advanceTime(RETENTION);
            },
            kit -> {
                kit.start("past-deadline", "timed-order");
                kit.advanceTime(DEADLINE);
            },
            kit -> {
                kit.start("deadline-while-confirming", "timed-trip");
                kit.replyTo("deadline-while-confirming", "hold-seat").succeed();
                kit.advanceTime(DEADLINE);
            },
            kit -> {
                kit.start("aborted", "order");
                kit.abort("aborted", "test");
            },
            kit -> {
                kit.start("past-pivot", "checkout");
                retriedThenSucceeded(kit, "past-pivot", "reserve-stock");
                kit.replyTo("past-pivot", "charge-payment").succeed();
                poke(kit, "past-pivot", "checkout", first(kit, "past-pivot", "reserve-stock"), last(kit, "past-pivot", "reserve-stock"), true, true);
                kit.advanceTime(DEADLINE);
            },
            kit -> {
                kit.start("stuck-forward", "checkout");
                List.of("reserve-stock", "charge-payment").forEach(step -> kit.replyTo("stuck-forward", step).succeed());
                kit.replyTo("stuck-forward", "ship").retryableError("NO_COURIER", "none yet");
                kit.advanceTime(FIRST_BACKOFF);
                kit.replyTo("stuck-forward", "ship").fail("ADDRESS_UNKNOWN", "no such street");
                poke(kit, "stuck-forward", "checkout", first(kit, "stuck-forward", "ship"), last(kit, "stuck-forward", "ship"), true, false);
                kit.retry("stuck-forward", "test");
                assertThat(kit.status("stuck-forward")).isEqualTo(SagaStatus.RUNNING);
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
                kit.start("abort-waits-for-pivot", "checkout");
                kit.replyTo("abort-waits-for-pivot", "reserve-stock").succeed();
                kit.abort("abort-waits-for-pivot", "test");
                kit.replyTo("abort-waits-for-pivot", "charge-payment").succeed();
            },
            kit -> {
                kit.start("deadline-waits-for-pivot", "checkout");
                kit.replyTo("deadline-waits-for-pivot", "reserve-stock").succeed();
                kit.advanceTime(DEADLINE);
                kit.resolve("deadline-waits-for-pivot", "charge-payment", StepResolution.SUCCEEDED, "test");
            },
            kit -> {
                kit.start("resolved-not-applied", "checkout");
                kit.replyTo("resolved-not-applied", "reserve-stock").succeed();
                kit.advanceTime(TIMEOUT);
                kit.resolve("resolved-not-applied", "charge-payment", StepResolution.NOT_APPLIED, "test");
            },
            kit -> {
                kit.start("stuck-in-doubt-resolved", "checkout");
                kit.replyTo("stuck-in-doubt-resolved", "reserve-stock").succeed();
                kit.advanceTime(TIMEOUT.plus(IN_DOUBT_MAX).plus(TIMEOUT.multipliedBy(2)));
                kit.resolve("stuck-in-doubt-resolved", "charge-payment", StepResolution.SUCCEEDED, "test");
            },
            kit -> {
                kit.start("stuck-in-doubt-replied", "checkout");
                kit.replyTo("stuck-in-doubt-replied", "reserve-stock").succeed();
                kit.advanceTime(TIMEOUT.plus(IN_DOUBT_MAX).plus(TIMEOUT.multipliedBy(2)));
                kit.replyTo(first(kit, "stuck-in-doubt-replied", "charge-payment")).fail("CARD_DECLINED", "declined");
            },
            kit -> {
                kit.start("stuck-with-siblings-outstanding", "booking");
                kit.replyTo("stuck-with-siblings-outstanding", "reserve-budget").succeed();
                kit.replyTo("stuck-with-siblings-outstanding", "book-flight").fail("SOLD_OUT", "none");
                List.of("book-hotel", "book-car").forEach(step -> kit.replyTo("stuck-with-siblings-outstanding", step).succeed());
                kit.replyTo("stuck-with-siblings-outstanding", "book-flight").fail("AIRLINE_DOWN", "cannot refund");
                kit.replyTo("stuck-with-siblings-outstanding", "book-car").succeed();
            },
            kit -> {
                kit.start("halted-running", "fragile", null, Payloads.json("{}"));
                kit.replyTo("halted-running", "hold").succeed();
                kit.replyTo("halted-running", "probe").succeed();
                // while STUCK, a reply whose error would make the state too large halts it again, recorded
                kit.replyTo(first(kit, "halted-running", "probe")).retryableError("BUSY", "x".repeat(RECORD_MAX_BYTES));
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
            },
            kit -> {
                kit.start("retry-pending-then-aborted", "order");
                kit.advanceTime(TIMEOUT);
                kit.abort("retry-pending-then-aborted", "test");
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
    void usesEveryRowOfTheSagaRules() {
        Map<SagaRules.Rule, Long> before = uses(SagaRules.table(), SagaRules::uses);

        runScenarios();

        List<String> unused = SagaRules.table().stream().filter(rule -> SagaRules.uses(rule) == before.get(rule)).map(Object::toString).toList();
        assertThat(unused).as("rows of SagaRules no scenario used; add a scenario that goes through each").isEmpty();
    }

    @Test
    void usesEveryRowOfTheStepLifecycle() {
        Map<StepLifecycle.Row, Long> before = uses(StepLifecycle.table(), StepLifecycle::uses);

        runScenarios();

        List<String> unused = StepLifecycle.table().stream().filter(row -> StepLifecycle.uses(row) == before.get(row)).map(Object::toString).toList();
        assertThat(unused).as("rows of StepLifecycle no scenario used; add a scenario that goes through each").isEmpty();
    }

    @Test
    void picksOneRowAtMostForEachStatusAndTrigger() {
        Map<String, List<SagaGuard>> guards = SagaRules.table().stream().collect(Collectors.groupingBy(
                r -> r.from() + " on " + r.trigger(), Collectors.mapping(SagaRules.Rule::guard, Collectors.toList())));

        assertThat(guards).allSatisfy((fromAndTrigger, list) -> {
            assertThat(list).as(fromAndTrigger).doesNotHaveDuplicates();
            if (list.size() > 1) {
                assertThat(list).as(fromAndTrigger + ": a row for every case cannot share its status and trigger").doesNotContain(SagaGuard.ALWAYS);
            }
        });
    }

    @Test
    void refusesAnInputTheTableDoesNotHave() {
        try (SagaTestKit kit = SagaFixtures.kit(ORDER)) {
            kit.start("o-1", "order");
            List.of("reserve-stock", "charge-payment", "ship").forEach(step -> kit.replyTo("o-1", step).succeed());

            assertThatThrownBy(() -> SagaRules.lookup(kit.state("o-1"), ORDER, SagaTrigger.STEP_FAILED))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("no saga rule for STEP_FAILED in status COMPLETED in the rules table");
        }
    }

    @Test
    void movesAStepOnlyAlongTheLifecycle() {
        try (SagaTestKit kit = SagaFixtures.kit(ORDER)) {
            kit.start("o-1", "order");
            kit.replyTo("o-1", "reserve-stock").succeed();

            assertThatThrownBy(() -> StepLifecycle.move(kit.state("o-1").getSteps().get(0), StepLifecycle.Move.CONFIRM_SUCCEEDED))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("step reserve-stock is SUCCEEDED, which has no row for CONFIRM_SUCCEEDED in the step lifecycle table");
        }
    }

    @Test
    void drawsTheReadmeSagaDiagramFromTheRules() throws IOException {
        assertReadmeDraws("saga-state-machine", SagaRules.mermaid());
    }

    @Test
    void drawsTheReadmeStepDiagramFromTheLifecycle() throws IOException {
        assertReadmeDraws("step-lifecycle", StepLifecycle.mermaid());
    }

    private static void runScenarios() {
        try (SagaTestKit kit = SagaFixtures.kit(settings -> settings
                .config(SagalineConfig.FINISHED_RETENTION_MS_CONFIG, RETENTION.toMillis())
                .config(SagalineConfig.FINISHED_IDS_RETENTION_MS_CONFIG, ID_WINDOW.toMillis())
                .config(SagalineConfig.IN_DOUBT_MAX_MS_CONFIG, IN_DOUBT_MAX.toMillis())
                .config(SagalineConfig.RECORD_MAX_BYTES_CONFIG, RECORD_MAX_BYTES)
                .config(SagalineConfig.UNDO_MAX_ATTEMPTS_CONFIG, 1), ORDER, TIMED_ORDER, TRIP, CHECKOUT, TIMED_TRIP, BOOKING, FRAGILE)) {
            SCENARIOS.forEach(scenario -> scenario.accept(kit));
            kit.advanceTime(ID_WINDOW);
            assertThat(kit.status("completed")).as("forgotten once the id window ended").isNull();
        }
    }

    /** The step's first attempt fails transiently and its second succeeds, so a reply to the first is late. */
    private static void retriedThenSucceeded(SagaTestKit kit, String sagaId, String step) {
        kit.replyTo(sagaId, step).retryableError("BUSY", "try later");
        kit.advanceTime(FIRST_BACKOFF);
        kit.replyTo(sagaId, step).succeed();
    }

    /**
     * Inputs the saga ignores or refuses whatever its status: a duplicate start, a reply to a
     * superseded command ({@code late}), another reply to an answered one, and optionally an abort
     * and an operator retry.
     */
    private static void poke(SagaTestKit kit, String sagaId, String type, SentCommand late, SentCommand answered,
                             boolean abort, boolean retry) {
        SagaStatus status = kit.status(sagaId);
        kit.start(sagaId, type);
        kit.replyTo(late).succeed();
        kit.replyTo(answered).succeed();
        kit.resolve(sagaId, late.step(), StepResolution.SUCCEEDED, "not in doubt");
        kit.rawReply(sagaId, null);
        if (abort) {
            kit.abort(sagaId, "refused");
        }
        if (retry) {
            kit.retry(sagaId, "refused");
        }
        assertThat(kit.status(sagaId)).as("poking " + sagaId + " changes nothing").isEqualTo(status);
    }

    private static SentCommand first(SagaTestKit kit, String sagaId, String step) {
        return commandsTo(kit, sagaId, step).get(0);
    }

    private static SentCommand last(SagaTestKit kit, String sagaId, String step) {
        List<SentCommand> sent = commandsTo(kit, sagaId, step);
        return sent.get(sent.size() - 1);
    }

    private static <T> Map<T, Long> uses(List<T> rows, ToLongFunction<T> uses) {
        return rows.stream().collect(Collectors.toMap(Function.identity(), uses::applyAsLong));
    }

    private static void assertReadmeDraws(String section, String generated) throws IOException {
        String startMark = "<!-- " + section + ":start -->";
        String endMark = "<!-- " + section + ":end -->";
        String howToFix = "\nRegenerate it: replace the ```mermaid block between " + startMark + " and " + endMark
                + " in README.md with:\n```mermaid\n" + generated + "```\n";
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int start = readme.indexOf(startMark);
        int end = readme.indexOf(endMark);
        if (start < 0 || end < start) {
            fail("README.md has no section " + startMark + " ... " + endMark + "." + howToFix);
        }
        String body = readme.substring(start + startMark.length(), end);
        int open = body.indexOf("```mermaid\n");
        int close = body.lastIndexOf("```");
        if (open < 0 || close <= open) {
            fail("README.md's " + section + " section has no ```mermaid block." + howToFix);
        }
        assertThat(body.substring(open + "```mermaid\n".length(), close)).as("README.md's " + section + " diagram differs from the table." + howToFix)
                .isEqualTo(generated);
    }
}
