package dev.sagaline.orchestrator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sagaline.badinput.BadInputTable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The README's "Bad input" table lists exactly the cases {@link OrchestratorBadInputIT} runs on the orchestrator's topics. */
class BadInputTableTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Set<String> TOPICS = Set.of(OrchestratorBadInputIT.REQUESTS, OrchestratorBadInputIT.REPLIES);

    @Test
    void readmeTableListsEveryCaseOfTheOrchestratorsMatrixWithItsOutcome() {
        List<BadInputTable.Row> expected = Arrays.stream(OrchestratorBadInputIT.Case.values())
                .map(c -> new BadInputTable.Row(c.topic, c.input, c.outcome())).toList();

        List<BadInputTable.Row> documented = BadInputTable.rows(README).stream().filter(row -> TOPICS.contains(row.topic())).toList();

        assertThat(documented).as("rows for %s between %s and %s in README.md", TOPICS, BadInputTable.START, BadInputTable.END)
                .containsExactlyElementsOf(expected);
    }
}
