package dev.sagaline.app.demo;

import dev.sagaline.demo.Order;
import dev.sagaline.participant.StepContext;
import dev.sagaline.participant.StepHandler;
import dev.sagaline.participant.StepResult;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The demo's shipping service: a retriable step that records each order shipped once. For the dev
 * server, the carrier of some orders is down for their first attempts, so that those sagas get
 * STUCK until an operator retries them.
 */
public final class ShippingService implements StepHandler<Order> {

    private final Set<String> shipped = ConcurrentHashMap.newKeySet();
    private final Predicate<String> carrierDown;
    private final int failingAttempts;

    /** A shipping service whose carrier is always up. */
    public ShippingService() {
        this(orderId -> false, 0);
    }

    /** A shipping service whose carrier is down for the first {@code failingAttempts} attempts of the orders {@code carrierDown} picks. */
    public ShippingService(Predicate<String> carrierDown, int failingAttempts) {
        this.carrierDown = carrierDown;
        this.failingAttempts = failingAttempts;
    }

    @Override
    public StepResult handle(Order order, StepContext context) {
        if (context.attempt() <= failingAttempts && carrierDown.test(order.getOrderId())) {
            return StepResult.retryable("CARRIER_DOWN", "the carrier's booking API does not answer");
        }
        shipped.add(order.getOrderId());
        return StepResult.succeeded();
    }

    /** True when the order was shipped. */
    public boolean shipped(String orderId) {
        return shipped.contains(orderId);
    }
}
