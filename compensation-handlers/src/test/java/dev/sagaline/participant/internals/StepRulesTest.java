package dev.sagaline.participant.internals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sagaline.participant.StepStage;
import dev.sagaline.participant.internals.StepRules.Kind;
import dev.sagaline.participant.internals.StepRules.Phase;
import dev.sagaline.participant.internals.StepRules.Verdict;
import dev.sagaline.protocol.v1.StepAction;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The rules table is total, and every verdict is reachable; the behaviour of each cell is tested
 * through the topology in the API package's tests.
 */
class StepRulesTest {

    @Test
    void decidesEveryPhaseAndKind() {
        Set<Verdict> used = EnumSet.noneOf(Verdict.class);
        for (Phase phase : Phase.values()) {
            for (Kind kind : Kind.values()) {
                assertThat(StepRules.verdict(phase, kind)).as("%s x %s", phase, kind).isNotNull();
                used.add(StepRules.verdict(phase, kind));
            }
        }

        assertThat(used).containsExactlyInAnyOrder(Verdict.values());
    }

    @Test
    void keepsARememberedReplyOnlyInPhasesWhoseVerdictsNeverWriteItsStageAgain() {
        Set<Phase> forwardKept = EnumSet.noneOf(Phase.class);
        Set<Phase> closingKept = EnumSet.noneOf(Phase.class);
        for (Phase phase : Phase.values()) {
            if (StepRules.keeps(phase, StepStage.FORWARD)) {
                forwardKept.add(phase);
            }
            if (StepRules.keeps(phase, StepStage.CLOSING)) {
                closingKept.add(phase);
            }
        }

        // a retryable answer (ATTEMPTED) leaves the step open: the next attempt's reply replaces it
        assertThat(forwardKept).containsExactlyInAnyOrder(Phase.FORWARD_SUCCEEDED, Phase.FORWARD_FAILED, Phase.FORWARD_UNSENDABLE,
                Phase.CONFIRMED, Phase.ROLLED_BACK);
        assertThat(closingKept).containsExactlyInAnyOrder(Phase.CONFIRMED, Phase.ROLLED_BACK);
    }

    @Test
    void groupsEveryCommandActionIntoAKind() {
        for (StepAction action : StepAction.values()) {
            if (action != StepAction.UNKNOWN && action != StepAction.FORGET) {
                assertThat(StepRules.kindOf(action)).isNotNull();
            }
        }
    }

    @Test
    void leavesTheFinishNoticeAndUnknownActionsOutOfTheTable() {
        for (StepAction notACommand : EnumSet.of(StepAction.UNKNOWN, StepAction.FORGET)) {
            assertThatThrownBy(() -> StepRules.kindOf(notACommand)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void refusalsCarryACodeAndAnExplanation() {
        for (Verdict verdict : Verdict.values()) {
            assertThat(verdict.refusalCode() == null).isEqualTo(verdict.explanation() == null);
        }
    }
}
