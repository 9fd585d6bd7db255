package dev.sagaline.orchestrator.testing;

import dev.sagaline.orchestrator.definition.SagaDefinition;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives every test a fresh {@link SagaTestKit} and closes it after the
 * test, so no saga, clock or state directory leaks from one test into the next.
 *
 * <pre>{@code
 * class OrderSagaTest {
 *     @RegisterExtension
 *     static final SagaTestKitExtension sagas = SagaTestKitExtension.of(OrderSagas.ORDER);
 *
 *     @Test
 *     void compensatesStockWhenThePaymentIsDeclined(SagaTestKit kit) {
 *         kit.start("o-1", "order");
 *         kit.replyTo("o-1", "reserve-stock").succeed();
 *         kit.replyTo("o-1", "charge-payment").fail("CARD_DECLINED", "insufficient funds");
 *         kit.replyTo("o-1", "reserve-stock").succeed();
 *         kit.assertThat("o-1").isCompensated();
 *     }
 * }
 * }</pre>
 *
 * <p>Tests ask for the kit as a parameter; the kit is made on first request in each test, with
 * the definitions and settings given here.
 */
public final class SagaTestKitExtension implements ParameterResolver, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SagaTestKitExtension.class);

    private final List<SagaDefinition> definitions;
    private final Consumer<SagaTestKit.Builder> settings;

    private SagaTestKitExtension(List<SagaDefinition> definitions, Consumer<SagaTestKit.Builder> settings) {
        this.definitions = definitions;
        this.settings = settings;
    }

    /** Kits running {@code definitions} with the default configuration. */
    public static SagaTestKitExtension of(SagaDefinition... definitions) {
        return new SagaTestKitExtension(List.of(definitions), builder -> { });
    }

    /** The same definitions, with more settings applied to every kit (config, participants, start time). */
    public SagaTestKitExtension with(Consumer<SagaTestKit.Builder> moreSettings) {
        Objects.requireNonNull(moreSettings, "moreSettings");
        return new SagaTestKitExtension(definitions, settings.andThen(moreSettings));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SagaTestKit.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(SagaTestKit.class, type -> {
            SagaTestKit.Builder builder = SagaTestKit.builder().definitions(definitions.toArray(SagaDefinition[]::new));
            settings.accept(builder);
            return builder.build();
        }, SagaTestKit.class);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        SagaTestKit kit = context.getStore(NAMESPACE).remove(SagaTestKit.class, SagaTestKit.class);
        if (kit != null) {
            kit.close();
        }
    }
}
