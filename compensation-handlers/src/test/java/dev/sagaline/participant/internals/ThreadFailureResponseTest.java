package dev.sagaline.participant.internals;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadFailureResponseTest {

    @Test
    void replacesAThreadWhoseCommitFoundItsTransactionChangedAfterABrokerRestart() {
        StreamsException failure = new StreamsException("Error encountered trying to commit a transaction",
                new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));

        assertThat(new ThreadFailureResponse().handle(failure)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void shutsDownOnAFailureOfItsOwnCode() {
        assertThat(new ThreadFailureResponse().handle(new StreamsException(new IllegalStateException("handler bug"))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }
}
