package dev.sagaline.app.bench;

/**
 * The counts and rates of a benchmark run.
 *
 * @param sagas sagas in the ceiling and throughput phases
 * @param latencyRate sagas per second in the latency phase; 0 for a quarter of the measured throughput
 * @param latencySeconds length of the latency phase
 * @param inFlight sagas in flight in the state and recovery phases
 * @param commitIntervalMs Kafka Streams' commit interval
 */
record BenchSettings(int sagas, double latencyRate, int latencySeconds, int inFlight, long commitIntervalMs) {
}
