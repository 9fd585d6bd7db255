package dev.sagaline.participant.spring;

import dev.sagaline.participant.Participant;
import dev.sagaline.participant.spring.internals.HandlerMethods;
import dev.sagaline.participant.spring.internals.HandlerObserver;
import dev.sagaline.participant.spring.internals.MicrometerHandlerObserver;
import dev.sagaline.participant.spring.internals.ParticipantHealthIndicator;
import dev.sagaline.participant.spring.internals.ParticipantLifecycle;
import dev.sagaline.schemas.registry.SchemaRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Runs a Sagaline participant inside a Spring Boot application: the {@link SagaHandler} methods of
 * its beans answer the commands of {@code sagaline.participant.command-topic}, the participant
 * starts once the context has created every bean and stops when it closes. With Spring Boot's
 * health module on the class path it adds a health indicator ({@code sagalineParticipant}); with
 * a Micrometer {@code MeterRegistry} bean, handler timers and Kafka Streams metrics in it.
 *
 * <p>Turned off with {@code sagaline.participant.enabled=false}.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(Participant.class)
@ConditionalOnBooleanProperty(name = "sagaline.participant.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SagalineParticipantProperties.class)
public class SagalineParticipantAutoConfiguration {

    /** Collects the handler methods as beans are created; static, so it sees every bean. */
    @Bean
    static HandlerMethods sagalineHandlerMethods() {
        return new HandlerMethods();
    }

    @Bean
    @ConditionalOnMissingBean
    ParticipantLifecycle sagalineParticipant(SagalineParticipantProperties properties, HandlerMethods handlerMethods,
                                             ObjectProvider<SchemaRegistry> schemaRegistry, ObjectProvider<HandlerObserver> observer) {
        return new ParticipantLifecycle(properties, handlerMethods, schemaRegistry.getIfUnique(),
                observer.getIfUnique(() -> HandlerObserver.NONE));
    }

    /** Handler timers and Kafka Streams metrics in the application's registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class Metrics {

        @Bean
        @ConditionalOnMissingBean(HandlerObserver.class)
        HandlerObserver sagalineParticipantMetrics(MeterRegistry registry) {
            return new MicrometerHandlerObserver(registry);
        }
    }

    /** The participant's health, when Spring Boot's health module is there to report it. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class HealthContribution {

        @Bean
        @ConditionalOnMissingBean(name = "sagalineParticipantHealthIndicator")
        ParticipantHealthIndicator sagalineParticipantHealthIndicator(ParticipantLifecycle participant) {
            return new ParticipantHealthIndicator(participant);
        }
    }
}
