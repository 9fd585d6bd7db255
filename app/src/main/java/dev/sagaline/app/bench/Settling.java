package dev.sagaline.app.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * When a phase's warm-up is over, and what a phase's measured bursts come to. One warm-up of a
 * fixed size was not enough: in a quiet run every shape's first burst was two to three times
 * slower than its second (the JIT compiling the applications' code while the burst ran), so a
 * phase now sends warm-up bursts until its rate stops moving, and the figure of a shape is the
 * median of its measured bursts, which one slow burst cannot drag.
 *
 * @param tolerance how far apart the last two warm-up bursts' rates may be: the faster at most
 *                  {@code 1 + tolerance} times the slower
 * @param maxBursts warm-up bursts after which the phase goes on unsettled (and says so)
 */
record Settling(double tolerance, int maxBursts) {

    /** The benchmark's rule: two successive warm-up bursts within 20 % of each other, at most 6 bursts. */
    static final Settling DEFAULT = new Settling(0.20, 6);

    Settling {
        if (tolerance <= 0 || maxBursts < 2) {
            throw new IllegalArgumentException("a warm-up settles on two bursts within a positive tolerance: " + tolerance + ", " + maxBursts);
        }
    }

    /** Whether the last two of {@code rates} (sagas per second, in the order measured) are within the tolerance. */
    boolean settled(List<Double> rates) {
        if (rates.size() < 2) {
            return false;
        }
        double last = rates.get(rates.size() - 1);
        double before = rates.get(rates.size() - 2);
        return Math.max(last, before) <= (1 + tolerance) * Math.min(last, before);
    }

    /** Whether the warm-up is over: settled, or {@code maxBursts} bursts sent. */
    boolean over(List<Double> rates) {
        return settled(rates) || rates.size() >= maxBursts;
    }

    /** The median of {@code rates}; of an even count, the mean of the middle two. */
    static double median(List<Double> rates) {
        if (rates.isEmpty()) {
            throw new IllegalArgumentException("no rates to take the median of");
        }
        List<Double> sorted = new ArrayList<>(rates);
        sorted.sort(null);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /**
     * The warm-up of one phase: the rate of each warm-up burst, and whether the last two agreed.
     *
     * @param rates sagas per second of each warm-up burst, in the order sent
     * @param settled whether the warm-up ended because two successive bursts agreed
     */
    record WarmUp(List<Double> rates, boolean settled) {

        WarmUp {
            rates = List.copyOf(rates);
        }

        /** How it is printed and reported: the bursts it took and whether it settled. */
        String describe() {
            return rates.size() + (settled ? " bursts, settled " : " bursts, NOT settled ") + rounded(rates);
        }
    }

    /** Rates as they are printed and reported: whole sagas per second. */
    static List<Long> rounded(List<Double> rates) {
        return rates.stream().map(Math::round).toList();
    }
}
