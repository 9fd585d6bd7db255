package dev.sagaline.localkafka;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives a JUnit 5 test class a running {@link LocalKafkaBroker}, injected into constructors,
 * lifecycle methods and test methods that declare a parameter of that type. Shorthand for
 * {@code @ExtendWith(LocalKafkaExtension.class)} plus the choice of broker sharing.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(LocalKafkaExtension.class)
public @interface LocalKafka {

    /**
     * False (the default): one broker for this class and its {@code @Nested} classes, closed after
     * them. True: one broker for every class of the test run that also says {@code shared = true},
     * closed when the run ends; start-up is paid once, but those classes must use distinct topic
     * names and must not kill or restart the broker.
     */
    boolean shared() default false;
}
