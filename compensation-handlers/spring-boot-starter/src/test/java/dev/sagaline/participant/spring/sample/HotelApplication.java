package dev.sagaline.participant.spring.sample;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample participant service: a hotel that holds a room (a TCC step) and charges a card (the
 * pivot) for each booking saga, configured in {@code application.yml} and with its handlers in
 * {@link BookingHandlers}. Nothing in it starts Kafka clients by hand: the starter does.
 */
@SpringBootApplication
public class HotelApplication {
}
