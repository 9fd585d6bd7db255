package dev.sagaline.app.bench;

import java.util.List;

/**
 * The counts, rates and matrix of a benchmark run.
 *
 * @param sagas sagas per burst in the throughput phases
 * @param warmUp sagas sent, and waited for, before each burst: class loading, JIT compilation and
 *               first connections are then behind the measured ones
 * @param latencyRate sagas per second in the latency phase
 * @param latencySeconds length of the latency phase
 * @param inFlight sagas in flight in the state and recovery phase; 0 skips it
 * @param partitions the partition counts of the matrix, the main point's first
 * @param commitIntervalsMs the commit intervals of the matrix, the main point's first; 0 for the profile's
 * @param scalingSagas sagas per burst in the thread and instance scaling phases; 0 skips them
 */
record BenchSettings(int sagas, int warmUp, double latencyRate, int latencySeconds, int inFlight, List<Integer> partitions,
                     List<Long> commitIntervalsMs, int scalingSagas) {

    /** Half the sagas per burst and half the latency phase, for a shape measured twice. */
    BenchSettings halved() {
        return new BenchSettings(Math.max(1, sagas / 2), warmUp, latencyRate, Math.max(1, latencySeconds / 2), inFlight, partitions,
                commitIntervalsMs, scalingSagas);
    }

    BenchSettings withSagas(int otherSagas) {
        return new BenchSettings(otherSagas, warmUp, latencyRate, latencySeconds, inFlight, partitions, commitIntervalsMs, scalingSagas);
    }
}
