package dev.sagaline.app.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DemoPlanTest {

    private final DemoPlan plan = new DemoPlan(1_000, 0.1, 0.05);

    @Test
    void plansTheSameFateForAnOrderWhateverTheRunPrefix() {
        assertThat(IntStream.range(0, plan.sagas()).mapToObj(DemoPlan::orderId)).allSatisfy(id -> {
            assertThat(plan.expectation("3f9a1c2e-" + id)).as(id).isEqualTo(plan.expectation(id));
            assertThat(plan.expectation("another-run-" + id)).as(id).isEqualTo(plan.expectation(id));
        });
    }

    @Test
    void countsEveryOrderOnceWithSharesCloseToThePlannedOnes() {
        long declined = plan.count(DemoPlan.Expectation.DECLINED);
        long lost = plan.count(DemoPlan.Expectation.LOST);

        assertThat(declined + lost + plan.count(DemoPlan.Expectation.COMPLETED)).isEqualTo(plan.sagas());
        assertThat(declined).isBetween(70L, 130L);
        assertThat(lost).isBetween(25L, 75L);
    }

    @Test
    void refusesSharesAddingUpToMoreThanAll() {
        assertThatThrownBy(() -> new DemoPlan(10, 0.7, 0.4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.7").hasMessageContaining("0.4");
    }
}
