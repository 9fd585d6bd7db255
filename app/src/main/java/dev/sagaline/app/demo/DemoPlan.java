package dev.sagaline.app.demo;

/**
 * Which demo orders fail and how, decided from the order's number so that the demo knows what to
 * expect of every saga: a share of payments are declined (the saga is compensated), a share of
 * payment commands are lost once on the way (the pivot times out, its outcome is unknown, the same
 * command is sent again and the saga completes, charged once), and the rest complete.
 *
 * @param sagas how many orders
 * @param declineShare fraction of orders whose payment is declined
 * @param lossShare fraction of orders whose first payment command never arrives
 */
public record DemoPlan(int sagas, double declineShare, double lossShare) {

    /** What the demo expects of one order. */
    public enum Expectation { COMPLETED, DECLINED, LOST }

    public DemoPlan {
        if (sagas < 1) {
            throw new IllegalArgumentException("the demo needs at least one saga, not " + sagas);
        }
        if (declineShare < 0 || lossShare < 0 || declineShare + lossShare > 1) {
            throw new IllegalArgumentException("decline share " + declineShare + " and loss share " + lossShare
                    + " must be non-negative and add up to at most 1");
        }
    }

    private static final String ORDER_PREFIX = "order-";

    /** The id of order number {@code i}. */
    public static String orderId(int i) {
        return String.format(ORDER_PREFIX + "%07d", i);
    }

    /**
     * What happens to the order with this id. A run prefix before the {@link #orderId(int) order id}
     * ({@code "3f9a1c2e-order-0000042"}) does not count, so the orders of every run end as
     * {@link #count(Expectation)} says.
     */
    public Expectation expectation(String orderId) {
        int order = orderId.lastIndexOf(ORDER_PREFIX);
        double spread = spread(order < 0 ? orderId : orderId.substring(order));
        if (spread < declineShare) {
            return Expectation.DECLINED;
        }
        return spread < declineShare + lossShare ? Expectation.LOST : Expectation.COMPLETED;
    }

    /** How many orders are expected to end each way. */
    public long count(Expectation expectation) {
        long n = 0;
        for (int i = 0; i < sagas; i++) {
            if (expectation(orderId(i)) == expectation) {
                n++;
            }
        }
        return n;
    }

    private static double spread(String orderId) {
        int h = orderId.hashCode() * 0x9E3779B1;
        return (h >>> 8) / (double) (1 << 24);
    }
}
