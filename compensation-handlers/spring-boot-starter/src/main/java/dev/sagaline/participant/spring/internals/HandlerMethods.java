package dev.sagaline.participant.spring.internals;

import dev.sagaline.participant.InvalidParticipantException;
import dev.sagaline.participant.ParticipantHandlers;
import dev.sagaline.participant.StepContext;
import dev.sagaline.participant.StepResult;
import dev.sagaline.participant.TccHandler;
import dev.sagaline.participant.spring.SagaHandler;
import dev.sagaline.protocol.v1.StepAction;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds the {@link SagaHandler} methods of every bean as the context creates it, and turns them
 * into the participant's {@link ParticipantHandlers} once all beans exist. Signatures are checked
 * when found, the set of actions per step when built; both failures name the step and the methods.
 */
public final class HandlerMethods implements BeanPostProcessor {

    private static final Set<StepAction> FORWARD = EnumSet.of(StepAction.DO, StepAction.COMPENSATE);
    private static final Set<StepAction> TCC = EnumSet.of(StepAction.TRY, StepAction.CONFIRM, StepAction.CANCEL);

    /** One annotated method of one bean. */
    private record Found(String beanName, Object bean, Method method, SagaHandler annotation, Class<? extends SpecificRecord> inputType) {

        String describe() {
            return beanName + "." + method.getName();
        }

        StepResult invoke(SpecificRecord input, StepContext context) throws Exception {
            try {
                return (StepResult) method.invoke(bean, input, context);
            } catch (InvocationTargetException e) {
                // The handler's own exception, so that BusinessFailureException and the others mean what they mean.
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        }
    }

    private final List<Found> found = new CopyOnWriteArrayList<>();

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> type = AopUtils.getTargetClass(bean);
        Map<Method, SagaHandler> methods = MethodIntrospector.selectMethods(type,
                (MethodIntrospector.MetadataLookup<SagaHandler>) method -> AnnotatedElementUtils.findMergedAnnotation(method, SagaHandler.class));
        methods.forEach((method, annotation) -> {
            Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
            ReflectionUtils.makeAccessible(invocable);
            found.add(new Found(beanName, bean, invocable, annotation, inputType(beanName, method)));
        });
        return bean;
    }

    /** Whether any bean has a handler method. */
    public boolean isEmpty() {
        return found.isEmpty();
    }

    /**
     * The handlers of every method found, each call passing through {@code observer}.
     *
     * @throws InvalidParticipantException naming the step and the methods when a step's actions do not fit together
     */
    public ParticipantHandlers handlers(HandlerObserver observer) {
        Map<String, Map<StepAction, Found>> bySteps = new TreeMap<>();
        for (Found handler : found) {
            Found twin = bySteps.computeIfAbsent(handler.annotation().step(), s -> new EnumMap<>(StepAction.class))
                    .putIfAbsent(handler.annotation().action(), handler);
            if (twin != null) {
                throw new InvalidParticipantException("step '" + handler.annotation().step() + "' has two " + handler.annotation().action()
                        + " handlers: " + twin.describe() + " and " + handler.describe());
            }
        }
        ParticipantHandlers.Builder builder = ParticipantHandlers.builder();
        bySteps.forEach((step, actions) -> register(builder, step, actions, observer));
        return builder.build();
    }

    private static void register(ParticipantHandlers.Builder builder, String step, Map<StepAction, Found> actions, HandlerObserver observer) {
        List<String> methods = new ArrayList<>();
        actions.forEach((action, handler) -> methods.add(action + " " + handler.describe()));
        if (FORWARD.containsAll(actions.keySet()) && actions.containsKey(StepAction.DO)) {
            Found forward = actions.get(StepAction.DO);
            addDo(builder, step, forward.inputType(), forward, observer);
            Found compensation = actions.get(StepAction.COMPENSATE);
            if (compensation != null) {
                addCompensate(builder, step, compensation.inputType(), compensation, observer);
            }
        } else if (actions.keySet().equals(TCC)) {
            Class<? extends SpecificRecord> type = actions.get(StepAction.TRY).inputType();
            if (actions.values().stream().anyMatch(handler -> handler.inputType() != type)) {
                throw new InvalidParticipantException("the TCC step '" + step + "' takes one input type in TRY, CONFIRM and CANCEL: " + methods);
            }
            addTcc(builder, step, type, actions, observer);
        } else {
            throw new InvalidParticipantException("step '" + step + "' needs a DO handler (and maybe a COMPENSATE one), or all of"
                    + " TRY, CONFIRM and CANCEL; it has " + methods);
        }
    }

    private static <I extends SpecificRecord> void addDo(ParticipantHandlers.Builder builder, String step, Class<I> type, Found handler,
                                                         HandlerObserver observer) {
        builder.onDo(step, type, (input, context) -> observer.observe(step, StepAction.DO, () -> handler.invoke(input, context)));
    }

    private static <I extends SpecificRecord> void addCompensate(ParticipantHandlers.Builder builder, String step, Class<I> type, Found handler,
                                                                 HandlerObserver observer) {
        builder.onCompensate(step, type, (input, context) -> observer.observe(step, StepAction.COMPENSATE, () -> handler.invoke(input, context)));
    }

    private static <I extends SpecificRecord> void addTcc(ParticipantHandlers.Builder builder, String step, Class<I> type,
                                                          Map<StepAction, Found> actions, HandlerObserver observer) {
        builder.onTcc(step, type, new TccHandler<I>() {
            @Override
            public StepResult tryStep(I input, StepContext context) throws Exception {
                return observer.observe(step, StepAction.TRY, () -> actions.get(StepAction.TRY).invoke(input, context));
            }

            @Override
            public StepResult confirm(I input, StepContext context) throws Exception {
                return observer.observe(step, StepAction.CONFIRM, () -> actions.get(StepAction.CONFIRM).invoke(input, context));
            }

            @Override
            public StepResult cancel(I input, StepContext context) throws Exception {
                return observer.observe(step, StepAction.CANCEL, () -> actions.get(StepAction.CANCEL).invoke(input, context));
            }
        });
    }

    /** The input type of a handler method, which must read {@code (SomeAvroRecord input, StepContext context) -> StepResult}. */
    private static Class<? extends SpecificRecord> inputType(String beanName, Method method) {
        Class<?>[] parameters = method.getParameterTypes();
        if (parameters.length != 2 || !SpecificRecord.class.isAssignableFrom(parameters[0]) || parameters[1] != StepContext.class
                || method.getReturnType() != StepResult.class) {
            throw new InvalidParticipantException("@SagaHandler method " + beanName + "." + method.getName()
                    + " must be declared as StepResult " + method.getName() + "(<generated Avro class> input, StepContext context)");
        }
        return parameters[0].asSubclass(SpecificRecord.class);
    }
}
