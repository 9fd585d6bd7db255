package dev.sagaline.orchestrator.runtime.support;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import dev.sagaline.orchestrator.definition.StepInput;
import dev.sagaline.orchestrator.runtime.SagalineConfig;
import dev.sagaline.orchestrator.testing.SagaTestKit;
import dev.sagaline.schemas.retry.RetryPolicy;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The saga definitions the orchestrator's rule tests share, and the kits that run them. Kits made
 * here have retry jitter off, so a test can say exactly when a retry is due, and are registered
 * with {@link WellFormedHistories} so every saga they ran gets its audit log checked after the test.
 *
 * <p>Everything else is the orchestrator's default configuration: a 30 s step timeout, 3 forward
 * attempts, 10 undo attempts, a backoff of 1 s doubling up to 60 s, a 100 ms timer scan.
 */
public final class SagaFixtures {

    public static final String INVENTORY = "inventory.commands";
    public static final String PAYMENT = "payment.commands";
    public static final String SHIPPING = "shipping.commands";
    public static final String TRAVEL = "travel.commands";
    public static final String NOTIFY = "notify.commands";
    public static final String ACCOUNTS = "accounts.commands";

    /** The orchestrator's default step timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** The orchestrator's default first backoff (jitter is off in these kits). */
    public static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    /** The own timeout of {@link #ORDER}'s {@code ship} step. */
    public static final Duration SHIP_TIMEOUT = Duration.ofSeconds(5);
    /** The own timeout of every step of {@link #BOOKING}. */
    public static final Duration BOOKING_TIMEOUT = Duration.ofSeconds(10);
    /** {@link #TIMED_ORDER}'s and {@link #CHECKOUT}'s deadline. */
    public static final Duration DEADLINE = Duration.ofMinutes(1);

    /**
     * {@code order}: three compensatable steps. {@code reserve-stock} and {@code charge-payment}
     * take the default timeout and attempts; {@code ship} has its own timeout of {@link #SHIP_TIMEOUT}.
     */
    public static final SagaDefinition ORDER = SagaDefinition.named("order")
            .step("reserve-stock").on(INVENTORY).compensatable()
            .step("charge-payment").on(PAYMENT).compensatable().input(StepInput.outputOf("reserve-stock"))
            .step("ship").on(SHIPPING).compensatable().timeout(SHIP_TIMEOUT)
            .build();

    /** {@code timed-order}: {@link #ORDER}'s steps with a deadline of {@link #DEADLINE}. */
    public static final SagaDefinition TIMED_ORDER = SagaDefinition.named("timed-order")
            .step("reserve-stock").on(INVENTORY).compensatable()
            .step("charge-payment").on(PAYMENT).compensatable()
            .deadline(DEADLINE)
            .build();

    /**
     * {@code trip}: two TCC steps, then a compensatable charge; the CANCELs and CONFIRMs get 3
     * attempts so a test can exhaust them quickly.
     */
    public static final SagaDefinition TRIP = SagaDefinition.named("trip")
            .step("hold-seat").on(TRAVEL).tcc().undoRetry(RetryPolicy.attempts(3).withJitter(0.0))
            .step("hold-room").on(TRAVEL).tcc().undoRetry(RetryPolicy.attempts(3).withJitter(0.0))
            .step("charge-card").on(PAYMENT).compensatable()
            .build();

    /**
     * {@code checkout}: a compensatable step, the pivot, a retriable step with at most 3 attempts
     * and a retriable step retried without limit; deadline {@link #DEADLINE}.
     */
    public static final SagaDefinition CHECKOUT = SagaDefinition.named("checkout")
            .step("reserve-stock").on(INVENTORY).compensatable()
            .step("charge-payment").on(PAYMENT).pivot()
            .step("ship").on(SHIPPING).retriable().retry(RetryPolicy.attempts(3).withJitter(0.0))
            .step("notify").on(NOTIFY).retriable()
            .deadline(DEADLINE)
            .build();

    /**
     * {@code booking}: a compensatable step, a parallel group of three (two compensatable, one
     * TCC), then a compensatable charge; every step times out after {@link #BOOKING_TIMEOUT}.
     */
    public static final SagaDefinition BOOKING = SagaDefinition.named("booking")
            .step("reserve-budget").on(PAYMENT).compensatable().timeout(BOOKING_TIMEOUT)
            .parallel("book", g -> g
                    .step("book-flight").on(TRAVEL).compensatable().timeout(BOOKING_TIMEOUT)
                    .step("book-hotel").on(TRAVEL).tcc().timeout(BOOKING_TIMEOUT)
                    .step("book-car").on(TRAVEL).compensatable().timeout(BOOKING_TIMEOUT))
            .step("charge").on(PAYMENT).compensatable().timeout(BOOKING_TIMEOUT)
            .build();

    /** {@code signup} version 1: one step. */
    public static final SagaDefinition SIGNUP_V1 = SagaDefinition.named("signup").version(1)
            .step("create-account").on(ACCOUNTS).compensatable()
            .build();

    /** {@code signup} version 2: {@link #SIGNUP_V1}'s step, then a second one. */
    public static final SagaDefinition SIGNUP_V2 = SagaDefinition.named("signup").version(2)
            .step("create-account").on(ACCOUNTS).compensatable()
            .step("send-welcome").on(NOTIFY).compensatable()
            .build();

    private SagaFixtures() {
    }

    /** A kit running {@code definitions}, jitter off. */
    public static SagaTestKit kit(SagaDefinition... definitions) {
        return kit(settings -> { }, definitions);
    }

    /** A kit running {@code definitions}, jitter off, with more {@code settings}. */
    public static SagaTestKit kit(Consumer<SagaTestKit.Builder> settings, SagaDefinition... definitions) {
        SagaTestKit.Builder builder = SagaTestKit.builder()
                .definitions(definitions)
                .config(SagalineConfig.RETRY_JITTER_CONFIG, 0.0);
        settings.accept(builder);
        return WellFormedHistories.register(builder.build());
    }
}
