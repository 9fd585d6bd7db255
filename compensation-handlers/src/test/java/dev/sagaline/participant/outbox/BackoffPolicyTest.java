package dev.sagaline.participant.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {

    private static final BackoffPolicy POLICY = BackoffPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(10));

    @Test
    void delaysDoubleUpToTheMaximum() {
        BackoffPolicy withoutJitter = POLICY.withJitter(0);

        assertThat(IntStream.rangeClosed(1, 6).mapToObj(attempts -> withoutJitter.delayAfter(attempts, new SplittableRandom())))
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                        Duration.ofSeconds(10), Duration.ofSeconds(10));
        assertThat(withoutJitter.delayAfter(10_000, new SplittableRandom())).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void jitterTakesOffAtMostItsShareOfEachDelay() {
        BackoffPolicy halfJitter = POLICY.withJitter(0.5);
        SplittableRandom random = new SplittableRandom(42);

        List<Duration> delays = IntStream.range(0, 1000).mapToObj(i -> halfJitter.delayAfter(3, random)).toList();

        assertThat(delays).allSatisfy(delay -> assertThat(delay).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4)));
        assertThat(Set.copyOf(delays)).as("spread out, not one value").hasSizeGreaterThan(100);
    }

    @Test
    void refusesSettingsThatMakeNoSenseAndNamesThem() {
        assertThatThrownBy(() -> POLICY.withMaxAttempts(0)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> POLICY.withMultiplier(0.5)).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> POLICY.withJitter(1.5)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> BackoffPolicy.exponential(Duration.ofMinutes(2), Duration.ofMinutes(1)))
                .hasMessageContaining("maxDelay");
    }
}
