package dev.sagaline.app.bench;

import java.util.List;

/**
 * The counts, rates and matrix of a benchmark run.
 *
 * @param sagas sagas measured in a throughput phase, in {@link #BURSTS_PER_RUN} bursts
 * @param warmUp sagas per warm-up burst, 0 for as many as a measured burst (so the settling rule
 *               compares bursts of the size measured): a phase sends warm-up bursts, and waits for
 *               each, until two successive ones agree ({@link Settling#DEFAULT}), so class loading,
 *               JIT compilation and first connections are behind the measured ones
 * @param latencyRate sagas per second in the latency phase
 * @param latencySeconds length of the latency phase
 * @param inFlight sagas in flight in the state and recovery phase; 0 skips it
 * @param partitions the partition counts of the matrix, the main point's first
 * @param commitIntervalsMs the commit intervals of the matrix, the main point's first; 0 for the profile's
 * @param scalingSagas sagas per burst in the thread and instance scaling phases; 0 skips them
 */
record BenchSettings(int sagas, int warmUp, double latencyRate, int latencySeconds, int inFlight, List<Integer> partitions,
                     List<Long> commitIntervalsMs, int scalingSagas) {

    /** Measured bursts in each run of a phase; a shape's rate is the median of the bursts of all its runs. */
    static final int BURSTS_PER_RUN = 2;

    /** Sagas per measured burst. */
    int burstSagas() {
        return Math.max(1, sagas / BURSTS_PER_RUN);
    }

    /** Sagas per warm-up burst. */
    int warmUpSagas() {
        return warmUp > 0 ? warmUp : burstSagas();
    }

    /** Half the sagas per burst and half the latency phase, for a shape measured twice. */
    BenchSettings halved() {
        return new BenchSettings(Math.max(1, sagas / 2), warmUp, latencyRate, Math.max(1, latencySeconds / 2), inFlight, partitions,
                commitIntervalsMs, scalingSagas);
    }

    BenchSettings withSagas(int otherSagas) {
        return new BenchSettings(otherSagas, warmUp, latencyRate, latencySeconds, inFlight, partitions, commitIntervalsMs, scalingSagas);
    }
}
