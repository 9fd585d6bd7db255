package dev.sagaline.orchestrator.runtime;

import dev.sagaline.protocol.v1.SagaEvent;
import dev.sagaline.protocol.v1.SagaEventKind;
import dev.sagaline.orchestrator.runtime.support.RandomSagaScript;
import dev.sagaline.orchestrator.runtime.support.RandomSagaScript.Act;
import dev.sagaline.orchestrator.runtime.support.RandomSagaScript.MemberShape;
import dev.sagaline.orchestrator.runtime.support.RandomSagaScript.Move;
import dev.sagaline.orchestrator.runtime.support.RandomSagaScript.Shape;
import dev.sagaline.orchestrator.runtime.support.RandomSagaScript.StageShape;
import dev.sagaline.orchestrator.runtime.support.SagaInvariants;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever the definition and whatever its participants do (succeed, refuse, fail transiently,
 * stay silent, answer twice or late) and whatever the clock and the operator do, a saga obeys
 * {@link SagaInvariants}: it finishes exactly once, undoes exactly the steps it sent, in reverse
 * stage order, confirms TCC steps only on success, never turns back after its pivot nor while the
 * pivot's outcome is unknown (operators abort, retry and resolve at random; replies get lost),
 * goes forward once the pivot was applied, sends no command once
 * finished, and then sends one FORGET notice per command topic of the steps it commanded.
 */
class SagaPropertiesTest {

    @Property(tries = 200)
    void everySagaKeepsTheSagaRules(@ForAll("shapes") Shape shape, @ForAll("scripts") List<Move> script) {
        RandomSagaScript.Run run = RandomSagaScript.play(shape, script);
        Statistics.label("outcome").collect(run.status());
        Statistics.label("went through").collect(run.events().stream().map(SagaEvent::getKind)
                .filter(k -> k == SagaEventKind.STUCK || k == SagaEventKind.CONFIRMATION_STARTED || k == SagaEventKind.LATE_REPLY_IGNORED
                        || k == SagaEventKind.STEP_IN_DOUBT || k == SagaEventKind.TURN_BACK_PENDING || k == SagaEventKind.STEP_RESOLVED)
                .distinct().sorted().toList());
        SagaInvariants.check(run);
    }

    @Provide
    Arbitrary<Shape> shapes() {
        Arbitrary<MemberShape> member = Combinators.combine(
                Arbitraries.of(false, true),
                Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(0, 3)).as(MemberShape::new);
        Arbitrary<StageShape> stage = Arbitraries.frequencyOf(
                Tuple.of(3, member.list().ofSize(1)),
                Tuple.of(1, member.list().ofMinSize(2).ofMaxSize(3))).map(StageShape::new);
        return Combinators.combine(
                stage.list().ofMinSize(1).ofMaxSize(5),
                Arbitraries.integers().between(-1, 4),
                Arbitraries.of(0, 0, 5, 12, 30)).as((stages, pivot, deadline) -> new Shape(stages, pivot < stages.size() ? pivot : -1, deadline));
    }

    @Provide
    Arbitrary<List<Move>> scripts() {
        Arbitrary<Act> act = Arbitraries.frequency(
                Tuple.of(20, Act.SUCCEED), Tuple.of(10, Act.FAIL), Tuple.of(10, Act.RETRYABLE), Tuple.of(8, Act.SILENCE),
                Tuple.of(8, Act.WAIT), Tuple.of(7, Act.DUPLICATE), Tuple.of(7, Act.STALE), Tuple.of(3, Act.ABORT), Tuple.of(3, Act.RETRY), Tuple.of(6, Act.RESOLVE), Tuple.of(5, Act.LOSE));
        Arbitrary<Move> move = Combinators.combine(act, Arbitraries.integers().between(0, 99), Arbitraries.integers().between(100, 3_000))
                .as(Move::new);
        return move.list().ofMinSize(1).ofMaxSize(40);
    }
}
