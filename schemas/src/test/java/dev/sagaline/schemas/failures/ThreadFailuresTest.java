package dev.sagaline.schemas.failures;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.schemas.registry.SchemaRegistryUnavailableException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.junit.jupiter.api.Test;

class ThreadFailuresTest {

    @Test
    void aCommitThatFoundTheTransactionChangedAtTheBrokerIsTransientWhereverItIsInTheCauseChain() {
        Throwable failure = new KafkaException("Error encountered trying to commit a transaction",
                new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));

        assertThat(ThreadFailures.transientCause(failure)).hasValueSatisfying(row ->
                assertThat(row.cause()).isEqualTo(InvalidTxnStateException.class));
    }

    @Test
    void aRegistryOutageIsTransient() {
        Throwable failure = new KafkaException("deserialization", new SchemaRegistryUnavailableException("connection refused"));

        assertThat(ThreadFailures.transientCause(failure)).isPresent();
    }

    @Test
    void aFailureOfTheCodeItselfIsNot() {
        Throwable failure = new KafkaException("processing", new IllegalStateException("unexpected record type"));

        assertThat(ThreadFailures.transientCause(failure)).isEmpty();
    }
}
