package dev.sagaline.app.demo;

import dev.sagaline.demo.Order;
import dev.sagaline.participant.StepContext;
import dev.sagaline.participant.StepResult;
import dev.sagaline.participant.TccHandler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo's stock service: a TCC participant that reserves items on TRY, makes the reservation
 * final on CONFIRM and releases it on CANCEL. Its reservations stand in for the service's own
 * database, so the demo can check afterwards that every compensated order released its stock.
 */
public final class InventoryService implements TccHandler<Order>, Inventory {

    /** Where a reservation stands. */
    public enum Reservation { RESERVED, CONFIRMED, RELEASED }

    private final Map<String, Reservation> reservations = new ConcurrentHashMap<>();

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
