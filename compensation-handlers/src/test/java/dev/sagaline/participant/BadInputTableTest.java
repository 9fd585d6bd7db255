package dev.sagaline.participant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.badinput.BadInputTable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's "Bad input" table lists exactly the cases {@link ParticipantBadInputIT} runs on a participant's command topic. */
class BadInputTableTest {

    private static final Path README = Path.of("..", "README.md");

    @Test
    void readmeTableListsEveryCaseOfTheParticipantsMatrixWithItsOutcome() {
        List<BadInputTable.Row> expected = Arrays.stream(ParticipantBadInputIT.Case.values())
                .map(c -> new BadInputTable.Row(ParticipantBadInputIT.TOPIC, c.input, c.outcome())).toList();

        List<BadInputTable.Row> documented = BadInputTable.rows(README).stream()
                .filter(row -> row.topic().equals(ParticipantBadInputIT.TOPIC)).toList();

        assertThat(documented).as("rows for %s between %s and %s in README.md", ParticipantBadInputIT.TOPIC, BadInputTable.START,
                BadInputTable.END).containsExactlyElementsOf(expected);
    }
}
