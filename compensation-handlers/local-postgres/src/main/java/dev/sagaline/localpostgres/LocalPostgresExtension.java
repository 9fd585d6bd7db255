package dev.sagaline.localpostgres;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that starts one {@link LocalPostgres} server per test class (shared with its
 * {@code @Nested} classes) and stops it after the class, injecting it wherever a
 * {@code LocalPostgres} parameter appears.
 *
 * <pre>{@code
 * @ExtendWith(LocalPostgresExtension.class)
 * class InventoryIT {
 *     private final DataSource db;
 *
 *     InventoryIT(LocalPostgres postgres) { db = postgres.createDatabase("inventory"); }   // a fresh database per test
 * }
 * }</pre>
 *
 * <p>Start-up (about two seconds) is paid once per class; give each test its own database with
 * {@link LocalPostgres#createDatabase(String)} rather than a server of its own.
 */
public final class LocalPostgresExtension implements BeforeAllCallback, ParameterResolver {

    private static final Namespace NAMESPACE = Namespace.create(LocalPostgresExtension.class);

    /** Starts the server eagerly, so its start-up time is not charged to the first test's timeout. */
    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalPostgres.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return server(extensionContext);
    }

    private static LocalPostgres server(ExtensionContext context) {
        ExtensionContext root = context.getRoot();
        ExtensionContext outermostClass = context;
        while (outermostClass.getParent().isPresent() && outermostClass.getParent().get() != root) {
            outermostClass = outermostClass.getParent().get();
        }
        // JUnit closes AutoCloseable store values when the owning context ends.
        return outermostClass.getStore(NAMESPACE).getOrComputeIfAbsent(
                LocalPostgres.class, key -> LocalPostgres.builder().build().start(), LocalPostgres.class);
    }
}
