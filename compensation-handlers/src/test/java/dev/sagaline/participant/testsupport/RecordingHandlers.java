package dev.sagaline.participant.testsupport;

import dev.sagaline.participant.ParticipantHandlers;
import dev.sagaline.participant.StepContext;
import dev.sagaline.participant.StepResult;
import dev.sagaline.participant.TccHandler;
import dev.sagaline.participant.example.HoldFunds;
import dev.sagaline.participant.example.ReserveStock;
import dev.sagaline.participant.example.StockReservation;
import dev.sagaline.protocol.v1.StepAction;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * The handlers of a fake inventory-and-payment service: a compensatable step
 * {@value #RESERVE_STOCK} and a TCC step {@value #HOLD_FUNDS}, with a sample input for each
 * action. Every call is recorded (action, command id, input), and each action's answer can be
 * scripted per test; by default every action succeeds, and DO answers with a
 * {@link StockReservation} derived from its input.
 */
public final class RecordingHandlers {

    public static final String RESERVE_STOCK = "reserve-stock";
    public static final String HOLD_FUNDS = "hold-funds";
    /** A DO input of {@value #RESERVE_STOCK}. */
    public static final ReserveStock ORDER = new ReserveStock("o-1", "sku-42", 2);
    /** What the default DO answers {@link #ORDER} with, and so the input of its COMPENSATE. */
    public static final StockReservation RESERVATION = reservationFor(ORDER);
    /** The input of every action of {@value #HOLD_FUNDS}. */
    public static final HoldFunds HOLD = new HoldFunds("acct-7", 1999L, "EUR");

    /** A scripted answer; may throw like a real handler. */
    @FunctionalInterface
    public interface Answer {
        StepResult answer(SpecificRecord input, StepContext context) throws Exception;
    }

    /** One recorded call. */
    public record Call(StepAction action, String commandId, SpecificRecord input, String idempotencyKey) {
    }

    private final List<Call> calls = new ArrayList<>();
    private final Map<StepAction, Answer> answers = new EnumMap<>(StepAction.class);

    public RecordingHandlers() {
        answers.put(StepAction.DO, (input, context) -> StepResult.succeeded(reservationFor((ReserveStock) input)));
    }

    /** The reservation the default DO answers with. */
    public static StockReservation reservationFor(ReserveStock order) {
        return new StockReservation("res-" + order.getOrderId(), order.getSku(), order.getQuantity());
    }

    /** Makes {@code action} answer with {@code answer} from now on. */
    public RecordingHandlers whenCalled(StepAction action, Answer answer) {
        answers.put(action, answer);
        return this;
    }

    /** Makes {@code action} return {@code result} from now on. */
    public RecordingHandlers answer(StepAction action, StepResult result) {
        return whenCalled(action, (input, context) -> result);
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** How many times {@code action}'s handler was called. */
    public long calls(StepAction action) {
        return calls.stream().filter(call -> call.action() == action).count();
    }

    public ParticipantHandlers handlers() {
        return ParticipantHandlers.builder()
                .onDo(RESERVE_STOCK, ReserveStock.class, this::call)
                .onCompensate(RESERVE_STOCK, StockReservation.class, this::call)
                .onTcc(HOLD_FUNDS, HoldFunds.class, new TccHandler<>() {
                    @Override
                    public StepResult tryStep(HoldFunds input, StepContext context) throws Exception {
                        return call(input, context);
                    }

                    @Override
                    public StepResult confirm(HoldFunds input, StepContext context) throws Exception {
                        return call(input, context);
                    }

                    @Override
                    public StepResult cancel(HoldFunds input, StepContext context) throws Exception {
                        return call(input, context);
                    }
                })
                .build();
    }

    private StepResult call(SpecificRecord input, StepContext context) throws Exception {
        calls.add(new Call(context.action(), context.commandId(), input, context.idempotencyKey()));
        return answers.getOrDefault(context.action(), (in, ctx) -> StepResult.succeeded()).answer(input, context);
    }
}
