package dev.sagaline.app.demo;

import dev.sagaline.demo.Order;
import dev.sagaline.participant.StepContext;
import dev.sagaline.participant.StepResult;
import dev.sagaline.participant.TccHandler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The demo's stock service: a TCC participant that reserves items on TRY, makes the reservation
 * final on CONFIRM and releases it on CANCEL. Its reservations stand in for the service's own
 * database, so the demo can check afterwards that every compensated order released its stock.
 * For the chaos run, releasing the stock of some orders fails for its first attempts, so a
 * compensation is retried.
 */
public final class InventoryService implements TccHandler<Order>, Inventory {

    /** Where a reservation stands. */
    public enum Reservation { RESERVED, CONFIRMED, RELEASED }

    private final Map<String, Reservation> reservations = new ConcurrentHashMap<>();
    private final Predicate<String> releaseFails;
    private final int failingReleaseAttempts;

    /** A stock service whose releases always succeed. */
    public InventoryService() {
        this(orderId -> false, 0);
    }

    /** A stock service whose release fails for the first {@code failingReleaseAttempts} attempts of the orders {@code releaseFails} picks. */
    public InventoryService(Predicate<String> releaseFails, int failingReleaseAttempts) {
        this.releaseFails = releaseFails;
        this.failingReleaseAttempts = failingReleaseAttempts;
    }

    @Override
    public StepResult tryStep(Order order, StepContext context) {
        reservations.putIfAbsent(order.getOrderId(), Reservation.RESERVED);
        return StepResult.succeeded();
    }

    @Override
    public StepResult confirm(Order order, StepContext context) {
        reservations.put(order.getOrderId(), Reservation.CONFIRMED);
        return StepResult.succeeded();
    }

    @Override
    public StepResult cancel(Order order, StepContext context) {
        if (context.attempt() <= failingReleaseAttempts && releaseFails.test(order.getOrderId())) {
            return StepResult.retryable("STOCK_LOCKED", "the stock of order " + order.getOrderId() + " is locked by a stock count");
        }
        reservations.put(order.getOrderId(), Reservation.RELEASED);
        return StepResult.succeeded();
    }

    @Override
    public Reservation reservation(String orderId) {
        return reservations.get(orderId);
    }

    /** Keeps reservations only, no stock levels, so there is nothing to add up. */
    @Override
    public List<String> stockProblems(Map<String, Integer> soldBySku) {
        return List.of();
    }
}
