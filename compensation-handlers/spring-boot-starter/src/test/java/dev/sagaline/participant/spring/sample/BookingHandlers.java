package dev.sagaline.participant.spring.sample;

import dev.sagaline.participant.StepContext;
import dev.sagaline.participant.StepResult;
import dev.sagaline.participant.spring.SagaHandler;
import dev.sagaline.protocol.v1.StepAction;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.stereotype.Component;

/** The hotel's handlers, as a Spring bean; it keeps a ledger of what it did so a test can read it. */
@Component
public class BookingHandlers {

    private final List<String> ledger = new CopyOnWriteArrayList<>();

    @SagaHandler(step = "hold-room", action = StepAction.TRY)
    StepResult holdRoom(RoomRequest request, StepContext context) {
        ledger.add("held " + request.getRoom() + " for " + request.getBookingId());
        return StepResult.succeeded();
    }

    @SagaHandler(step = "hold-room", action = StepAction.CONFIRM)
    StepResult bookRoom(RoomRequest request, StepContext context) {
        ledger.add("booked " + request.getRoom() + " for " + request.getBookingId());
        return StepResult.succeeded();
    }

    @SagaHandler(step = "hold-room", action = StepAction.CANCEL)
    StepResult releaseRoom(RoomRequest request, StepContext context) {
        ledger.add("released " + request.getRoom() + " for " + request.getBookingId());
        return StepResult.succeeded();
    }

    @SagaHandler(step = "charge-card", action = StepAction.DO)
    StepResult chargeCard(RoomRequest request, StepContext context) {
        if (request.getCard().equals("declined")) {
            ledger.add("declined the card of " + request.getBookingId());
            return StepResult.failed("CARD_DECLINED", "the card was declined");
        }
        ledger.add("charged " + request.getBookingId());
        return StepResult.succeeded();
    }

    /** What the handlers did for {@code bookingId}, in order. */
    public List<String> ledgerOf(String bookingId) {
        return ledger.stream().filter(entry -> entry.endsWith(bookingId)).toList();
    }
}
