package dev.sagaline.app.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What one hop's waits cost, from the metrics of the orchestrator's and the participant's Kafka
 * Streams instances and their clients: a snapshot of the cumulative counters (commits and the
 * producer's time in transaction commits) taken before the latency phase, and after it the
 * differences plus the averages Kafka keeps over its last sample windows (commit, poll and
 * process latency of the stream threads, fetch latency of the main consumers). A commit under
 * exactly-once is the producer's flush (waiting until every record of the transaction is
 * acknowledged), {@code sendOffsetsToTransaction} and the transaction commit, each reported per
 * commit; the ceilings' applications are measured alike, so the two can be compared.
 */
final class HopCosts {

    private final Map<String, Double> orchestrator;
    private final Map<String, Double> participant;

    private HopCosts(Map<String, Double> orchestrator, Map<String, Double> participant) {
        this.orchestrator = orchestrator;
        this.participant = participant;
    }

    /** A snapshot of the coordinating application (the orchestrator, or a ceiling's coordinator) and the participant. */
    static HopCosts of(KafkaStreams orchestrator, KafkaStreams participant) {
        return new HopCosts(read(orchestrator), read(participant));
    }

    /** The figures of the time between {@code before} and this snapshot, in milliseconds, named per application. */
    Map<String, Double> since(HopCosts before) {
        return since(before, "orchestrator");
    }

    /** As {@link #since(HopCosts)}, the coordinating application named {@code coordinator}. */
    Map<String, Double> since(HopCosts before, String coordinator) {
        Map<String, Double> costs = new LinkedHashMap<>();
        describe(coordinator, orchestrator, before.orchestrator, costs);
        describe("participant", participant, before.participant, costs);
        return costs;
    }

    private static void describe(String app, Map<String, Double> now, Map<String, Double> then, Map<String, Double> costs) {
        double commits = now.get("commit-total") - then.get("commit-total");
        costs.put(app + " commits per second", now.get("commit-rate"));
        costs.put(app + " commit, whole (ms)", now.get("commit-latency-avg"));
        costs.put(app + " commit, of it the flush of the produced records (ms)", perCommit("flush-time-ns-total", commits, now, then));
        costs.put(app + " commit, of it sendOffsetsToTransaction (ms)", perCommit("txn-send-offsets-time-ns-total", commits, now, then));
        costs.put(app + " commit, of it the transaction commit (ms)", perCommit("txn-commit-time-ns-total", commits, now, then));
        costs.put(app + " produce requests per commit", commits <= 0 ? 0 : (now.get("request-total") - then.get("request-total")) / commits);
        costs.put(app + " records produced per commit", commits <= 0 ? 0 : (now.get("record-send-total") - then.get("record-send-total")) / commits);
        costs.put(app + " produce request latency (ms)", now.get("request-latency-avg"));
        costs.put(app + " poll (ms)", now.get("poll-latency-avg"));
        costs.put(app + " processing per loop (ms)", now.get("process-latency-avg"));
        costs.put(app + " fetch (ms)", now.get("fetch-latency-avg"));
    }

    /** Milliseconds of the producers' cumulative {@code counter} (nanoseconds) per commit between two snapshots. */
    private static double perCommit(String counter, double commits, Map<String, Double> now, Map<String, Double> then) {
        return commits <= 0 ? 0 : (now.get(counter) - then.get(counter)) / commits / 1e6;
    }

    /** Sums over threads of the counters, and means of the averages, of one Kafka Streams instance. */
    private static Map<String, Double> read(KafkaStreams streams) {
        Map<String, Double> sums = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String name : new String[] {"commit-total", "commit-rate", "commit-latency-avg", "poll-latency-avg", "process-latency-avg",
                "txn-commit-time-ns-total", "flush-time-ns-total", "txn-send-offsets-time-ns-total", "fetch-latency-avg", "request-total", "record-send-total", "request-latency-avg"}) {
            sums.put(name, 0.0);
            counts.put(name, 0);
        }
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            MetricName name = e.getKey();
            String client = name.tags().getOrDefault("client-id", name.tags().getOrDefault("thread-id", ""));
            boolean wanted = switch (name.group()) {
                case "stream-thread-metrics" -> name.name().startsWith("commit-") || name.name().equals("poll-latency-avg")
                        || name.name().equals("process-latency-avg");
                case "producer-metrics" -> name.name().endsWith("-time-ns-total") || name.name().equals("record-send-total")
                        || (client.endsWith("-producer") && (name.name().equals("request-total") || name.name().equals("request-latency-avg")));
                case "consumer-fetch-manager-metrics" -> name.name().equals("fetch-latency-avg") && name.tags().size() == 1
                        && client.endsWith("-consumer") && !client.endsWith("restore-consumer");
                default -> false;
            };
            if (!wanted || !sums.containsKey(name.name()) || !(e.getValue().metricValue() instanceof Number value)
                    || Double.isNaN(value.doubleValue()) || Double.isInfinite(value.doubleValue())) {
                continue;
            }
            sums.merge(name.name(), value.doubleValue(), Double::sum);
            counts.merge(name.name(), 1, Integer::sum);
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        sums.forEach((name, sum) -> {
            boolean average = name.endsWith("-avg");
            figures.put(name, average && counts.get(name) > 0 ? sum / counts.get(name) : sum);
        });
        return figures;
    }
}
