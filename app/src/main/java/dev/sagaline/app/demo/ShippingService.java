package dev.sagaline.app.demo;

import dev.sagaline.demo.Order;
import dev.sagaline.participant.StepContext;
import dev.sagaline.participant.StepHandler;
import dev.sagaline.participant.StepResult;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The demo's shipping service: a retriable step that records each order shipped once. */
public final class ShippingService implements StepHandler<Order> {

    private final Set<String> shipped = ConcurrentHashMap.newKeySet();

    @Override
    public StepResult handle(Order order, StepContext context) {
        shipped.add(order.getOrderId());
        return StepResult.succeeded();
    }

    /** True when the order was shipped. */
    public boolean shipped(String orderId) {
        return shipped.contains(orderId);
    }
}
