package dev.sagaline.app.demo;

import java.util.List;
import java.util.Map;

/** What the demo's summary asks of the stock service, wherever it keeps its stock. */
interface Inventory {

    /** The reservation of an order, or null when none was ever made. */
    InventoryService.Reservation reservation(String orderId);

    /**
     * What is wrong with the stock levels, given how many items of each article the completed
     * orders bought; empty when they add up (or when the service keeps no levels).
     */
    List<String> stockProblems(Map<String, Integer> soldBySku);
}
