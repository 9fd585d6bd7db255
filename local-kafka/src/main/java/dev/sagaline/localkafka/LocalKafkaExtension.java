package dev.sagaline.localkafka;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension that starts a {@link LocalKafkaBroker} before a test class and closes it
 * after, injecting it wherever a {@code LocalKafkaBroker} parameter appears (constructor,
 * {@code @BeforeAll}, {@code @BeforeEach}, test methods). Use it through {@link LocalKafka} or
 * {@code @ExtendWith(LocalKafkaExtension.class)}; the broker has the builder's defaults.
 *
 * <pre>{@code
 * @LocalKafka
 * class OrderFlowTest {
 *     @BeforeAll
 *     static void topics(LocalKafkaBroker kafka) { kafka.createTopics(Map.of("orders", 1)); }
 *
 *     @Test
 *     void acceptsAnOrder(LocalKafkaBroker kafka) { ... kafka.clientConfig() ... }
 * }
 * }</pre>
 *
 * <p>The broker lives in the JUnit store of the outermost test class (or of the whole run with
 * {@code @LocalKafka(shared = true)}); JUnit closes it when that scope ends.
 */
public final class LocalKafkaExtension implements BeforeAllCallback, ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(LocalKafkaExtension.class);

    /** Starts the broker eagerly, so its start-up time is not charged to the first test's timeout. */
    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalKafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return broker(extensionContext);
    }

    private static LocalKafkaBroker broker(ExtensionContext context) {
        ExtensionContext outermostClass = outermostClass(context);
        boolean shared = outermostClass.getTestClass()
                .flatMap(testClass -> AnnotationSupport.findAnnotation(testClass, LocalKafka.class))
                .map(LocalKafka::shared)
                .orElse(false);
        // Distinct keys per scope: a store lookup also searches the parent stores, and a class that
        // asked for its own broker must not find the run's shared one there.
        Scope scope = shared ? Scope.RUN : Scope.CLASS;
        ExtensionContext owner = shared ? context.getRoot() : outermostClass;
        return owner.getStore(NAMESPACE).getOrComputeIfAbsent(
                scope, key -> LocalKafkaBroker.builder().build().start(), LocalKafkaBroker.class);
    }

    private static ExtensionContext outermostClass(ExtensionContext context) {
        ExtensionContext root = context.getRoot();
        ExtensionContext current = context;
        while (current.getParent().isPresent() && current.getParent().get() != root) {
            current = current.getParent().get();
        }
        return current;
    }

    /** Which JUnit scope owns, and eventually closes, a broker. */
    private enum Scope { CLASS, RUN }
}
