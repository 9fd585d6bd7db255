package dev.sagaline.app.chaos;

import dev.sagaline.app.demo.DemoPlan;
import dev.sagaline.app.demo.InventoryService;
import dev.sagaline.app.demo.OrderDemo;
import dev.sagaline.app.demo.PaymentService;
import dev.sagaline.app.demo.ShippingService;
import dev.sagaline.demo.Order;
import dev.sagaline.orchestrator.runtime.SagalineApp;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.participant.Participant;
import dev.sagaline.schemas.registry.SchemaRegistries;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * One process of a chaos run, started by {@link ChaosProcess} in a JVM of its own: an orchestrator
 * instance or one instance of a demo service, on the settings in a properties file. It prints
 * {@value #RUNNING_LINE} once Kafka Streams runs, halts at once when its stdin ends (the chaos run
 * that started it is gone, or kills it), and halts with status 1 when Kafka Streams stops on its
 * own, so a dead stream thread shows as a dead process.
 */
public final class ChaosNode {

    static final String RUNNING_LINE = "CHAOS NODE RUNNING";
    /** The settings key naming what the process runs: {@code orchestrator} or a {@link Service}. */
    static final String ROLE = "chaos.role";
    static final String DECLINE_SHARE = "chaos.decline.share";
    static final String LOSS_SHARE = "chaos.loss.share";

    /** The demo's services, each with its step and command topic. */
    enum Service {
        inventory("reserve-stock", "inventory.commands"),
        payment("charge-payment", PAYMENT_INBOX),
        shipping("ship", "shipping.commands");

        final String step;
        final String commandTopic;

        Service(String step, String commandTopic) {
            this.step = step;
            this.commandTopic = commandTopic;
        }
    }

    /** Where the lossy link forwards the payment commands it lets through. */
    static final String PAYMENT_INBOX = "payment.inbox";

    /** The cancel attempts that fail for the orders {@link #cancelFails} picks, so a compensation is retried. */
    static final int FAILING_CANCEL_ATTEMPTS = 2;

    private ChaosNode() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[0]))) {
            props.load(in);
        }
        Map<String, Object> settings = new HashMap<>();
        props.forEach((k, v) -> settings.put(String.valueOf(k), v));
        String role = String.valueOf(settings.remove(ROLE));
        DemoPlan plan = new DemoPlan(1, Double.parseDouble(String.valueOf(settings.remove(DECLINE_SHARE))),
                Double.parseDouble(String.valueOf(settings.remove(LOSS_SHARE))));
        Supplier<KafkaStreams.State> state;
        if (role.equals("orchestrator")) {
            SagalineApp app = SagalineApp.start(SagalineConfig.of(settings), OrderDemo.definitions());
            state = () -> app.streams().state();
        } else {
            Participant participant = participant(Service.valueOf(role), plan, settings);
            participant.start();
            state = participant::state;
        }
        Thread lifeline = new Thread(ChaosNode::haltWhenStdinEnds, "chaos-node-lifeline");
        lifeline.setDaemon(true);
        lifeline.start();
        boolean announced = false;
        while (true) {
            KafkaStreams.State now = state.get();
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.PENDING_ERROR) {
                System.out.println("CHAOS NODE STOPPED ON ITS OWN: " + now);
                System.out.flush();
                Runtime.getRuntime().halt(1);
            }
            if (!announced && now == KafkaStreams.State.RUNNING) {
                System.out.println(RUNNING_LINE);
                System.out.flush();
                announced = true;
            }
            Thread.sleep(50);
        }
    }

    private static Participant participant(Service service, DemoPlan plan, Map<String, Object> settings) {
        Participant.Builder builder = Participant.builder().properties(settings).commandTopic(service.commandTopic)
                .schemaRegistry(SchemaRegistries.fromUrl(OrderDemo.SCHEMA_REGISTRY_URL, Map.of()));
        return switch (service) {
            case inventory -> builder.onTcc(service.step, Order.class,
                    new InventoryService(orderId -> cancelFails(plan, orderId), FAILING_CANCEL_ATTEMPTS)).build();
            case payment -> builder.onDo(service.step, Order.class, new PaymentService(plan)).build();
            case shipping -> builder.onDo(service.step, Order.class, new ShippingService()).build();
        };
    }

    /** Every other declined order's stock release fails its first attempts: a compensation that fails a few times. */
    static boolean cancelFails(DemoPlan plan, String orderId) {
        return plan.expectation(orderId) == DemoPlan.Expectation.DECLINED && (orderId.hashCode() & 1) == 0;
    }

    /**
     * Ends the process when its stdin ends: the run that started it closed the pipe or died. A
     * halt, not an exit, so a node killed this way leaves its state as a crash does.
     */
    private static void haltWhenStdinEnds() {
        try (InputStream in = System.in) {
            while (in.read() >= 0) {
                // Nothing is sent on stdin; only its end matters.
            }
        } catch (IOException e) {
            // A broken pipe is an end too.
        }
        Runtime.getRuntime().halt(0);
    }
}
