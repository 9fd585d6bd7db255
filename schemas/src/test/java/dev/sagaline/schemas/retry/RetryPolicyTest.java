package dev.sagaline.schemas.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final RetryPolicy POLICY = RetryPolicy.attempts(10).withBackoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10));

    @Test
    void delaysDoubleUpToTheMaximum() {
        RetryPolicy withoutJitter = POLICY.withJitter(0);
        SplittableRandom random = new SplittableRandom();

        assertThat(IntStream.rangeClosed(1, 6).mapToObj(attempts -> withoutJitter.backoffAfter(attempts, random.nextDouble())))
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                        Duration.ofSeconds(10), Duration.ofSeconds(10));
        assertThat(withoutJitter.backoffAfter(10_000, random.nextDouble())).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void jitterTakesOffAtMostItsShareOfEachDelay() {
        RetryPolicy halfJitter = POLICY.withJitter(0.5);
        SplittableRandom random = new SplittableRandom(42);

        List<Duration> delays = IntStream.range(0, 1000).mapToObj(i -> halfJitter.backoffAfter(3, random.nextDouble())).toList();

        assertThat(delays).allSatisfy(delay -> assertThat(delay).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4)));
        assertThat(Set.copyOf(delays)).as("spread out, not one value").hasSizeGreaterThan(100);
    }

    @Test
    void refusesSettingsThatMakeNoSenseAndNamesThem() {
        assertThatThrownBy(() -> POLICY.withMaxAttempts(0)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> POLICY.withBackoff(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(10))).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> POLICY.withJitter(1.5)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> POLICY.withBackoff(Duration.ofMinutes(2), 2.0, Duration.ofMinutes(1)))
                .hasMessageContaining("maxBackoff");
    }
}
