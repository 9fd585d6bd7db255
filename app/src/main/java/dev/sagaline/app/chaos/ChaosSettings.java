package dev.sagaline.app.chaos;

import java.time.Duration;

/**
 * What a chaos run does: how many processes of each kind, how long and how hard the load, how
 * often something is killed, and the seed that fixes which orders fail and what is killed when.
 *
 * @param instances orchestrator instances
 * @param participantsPerService instances of each of the three demo services
 * @param duration how long sagas are started
 * @param rate sagas started per second
 * @param killEvery time between two kills of a random orchestrator or participant process
 * @param brokerRestarts how many times the broker is killed and started again on its data
 * @param seed fixes the failing orders, the victims and the kill times
 * @param standbys {@code num.standby.replicas} of every Kafka Streams application
 * @param partitions partitions of every topic
 * @param patience how long to wait, after the load stops, for the sagas to end
 */
public record ChaosSettings(int instances, int participantsPerService, Duration duration, double rate, Duration killEvery,
                            int brokerRestarts, long seed, int standbys, int partitions, Duration patience) {

    /** Orders whose payment is declined (compensated), as in the demo. */
    static final double DECLINE_SHARE = 0.10;
    /** Orders whose first payment command is lost on the way (the pivot times out and is sent again), as in the demo. */
    static final double LOSS_SHARE = 0.05;

    public ChaosSettings {
        requireAtLeast("--instances", instances, 1);
        requireAtLeast("--participants-per-service", participantsPerService, 1);
        requireAtLeast("--broker-restarts", brokerRestarts, 0);
        requireAtLeast("--standbys", standbys, 0);
        requireAtLeast("--partitions", partitions, 1);
        if (duration.isNegative() || duration.isZero() || patience.isNegative() || patience.isZero()) {
            throw new IllegalArgumentException("--duration (" + duration + ") and --patience (" + patience + ") must be positive");
        }
        if (!(rate > 0)) {
            throw new IllegalArgumentException("--rate must be positive but was " + rate);
        }
        if (killEvery.isNegative()) {
            throw new IllegalArgumentException("--kill-every must not be negative but was " + killEvery + " (0 kills nothing)");
        }
    }

    private static void requireAtLeast(String option, int value, int least) {
        if (value < least) {
            throw new IllegalArgumentException(option + " must be at least " + least + " but was " + value);
        }
    }
}
