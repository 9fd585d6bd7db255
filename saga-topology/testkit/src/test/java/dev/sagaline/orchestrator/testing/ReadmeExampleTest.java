package dev.sagaline.orchestrator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's "testing your saga" example is {@code com.example.shop.OrderSagaTest}, which the
 * build compiles and runs; this test keeps the README's copy identical to it.
 */
class ReadmeExampleTest {

    private static final Path README = Path.of("..", "..", "README.md");
    private static final Path EXAMPLE = Path.of("src", "test", "java", "com", "example", "shop", "OrderSagaTest.java");

    @Test
    void readmeShowsTheTestingExampleThatTheBuildRuns() throws IOException {
        String example = between(Files.readString(EXAMPLE), "// readme:start\n", "// readme:end");
        String readme = between(Files.readString(README), "<!-- testing-example:start -->\n```java\n", "```\n<!-- testing-example:end -->");
        assertThat(readme)
                .as("README's testing example must equal the region of %s between '// readme:start' and '// readme:end'; copy it over", EXAMPLE)
                .isEqualTo(example);
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        int to = text.indexOf(end, from + 1);
        assertThat(from).as("marker '%s'", start.strip()).isNotNegative();
        assertThat(to).as("marker '%s'", end.strip()).isPositive();
        return text.substring(from + start.length(), to);
    }
}
