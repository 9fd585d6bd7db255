package dev.sagaline.app.demo;

import dev.sagaline.demo.Order;
import dev.sagaline.participant.StepContext;
import dev.sagaline.participant.StepHandler;
import dev.sagaline.participant.StepResult;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo's payment service, the order saga's pivot: it charges the order, or declines it for
 * the orders the {@link DemoPlan} says are declined. Charges are keyed by order so a redelivered
 * command charges once.
 */
public final class PaymentService implements StepHandler<Order> {

    private final DemoPlan plan;
    private final Map<String, Long> charges = new ConcurrentHashMap<>();

    public PaymentService(DemoPlan plan) {
        this.plan = plan;
    }

    @Override
    public StepResult handle(Order order, StepContext context) {
        if (plan.expectation(order.getOrderId()) == DemoPlan.Expectation.DECLINED) {
            return StepResult.failed("CARD_DECLINED", "the card of order " + order.getOrderId() + " was declined");
        }
        charges.putIfAbsent(order.getOrderId(), order.getAmountCents());
        return StepResult.succeeded();
    }

    /** True when the order was charged. */
    public boolean charged(String orderId) {
        return charges.containsKey(orderId);
    }
}
