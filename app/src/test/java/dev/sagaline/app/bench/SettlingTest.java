package dev.sagaline.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The rule that ends a phase's warm-up and the median its measured bursts come to; rates are given, never timed. */
class SettlingTest {

    private final Settling rule = new Settling(0.20, 4);

    @Test
    void isNotSettledBeforeTwoBursts() {
        assertThat(rule.settled(List.of())).isFalse();
        assertThat(rule.settled(List.of(1000.0))).isFalse();
        assertThat(rule.over(List.of(1000.0))).isFalse();
    }

    @Test
    void settlesWhenTheLastTwoBurstsAreWithinTheTolerance() {
        assertThat(rule.settled(List.of(700.0, 1600.0, 1800.0))).isTrue();
        assertThat(rule.settled(List.of(1800.0, 1500.0))).as("a slower second burst within 20%% also settles").isTrue();
        assertThat(rule.settled(List.of(1000.0, 1200.0))).as("exactly 20%% apart").isTrue();
    }

    @Test
    void doesNotSettleWhileTheRateStillMoves() {
        assertThat(rule.settled(List.of(719.0, 1653.0))).isFalse();
        assertThat(rule.settled(List.of(1000.0, 1000.0, 1300.0))).as("only the last two count").isFalse();
        assertThat(rule.settled(List.of(1300.0, 1000.0))).isFalse();
    }

    @Test
    void isOverAfterTheMaximumOfBurstsEvenUnsettled() {
        List<Double> moving = List.of(500.0, 1000.0, 2000.0, 4000.0);
        assertThat(rule.settled(moving)).isFalse();
        assertThat(rule.over(moving)).isTrue();
        assertThat(rule.over(moving.subList(0, 3))).isFalse();
    }

    @Test
    void takesTheMedianOfAnOddAndTheMeanOfTheMiddleTwoOfAnEvenCount() {
        assertThat(Settling.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Settling.median(List.of(4952.0, 1799.0, 5000.0, 4800.0))).isEqualTo(4876.0);
        assertThat(Settling.median(List.of(7.0))).isEqualTo(7.0);
    }

    @Test
    void refusesARuleThatCouldNeverSettleAndAnEmptyMedian() {
        assertThatThrownBy(() -> new Settling(0, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Settling(0.2, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Settling.median(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void describesTheBurstsItTookAndWhetherItSettled() {
        assertThat(new Settling.WarmUp(List.of(812.4, 1402.0, 1515.6), true).describe()).isEqualTo("3 bursts, settled [812, 1402, 1516]");
        assertThat(new Settling.WarmUp(List.of(500.0, 1000.0), false).describe()).isEqualTo("2 bursts, NOT settled [500, 1000]");
    }
}
