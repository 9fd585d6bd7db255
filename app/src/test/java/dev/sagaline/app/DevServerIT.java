package dev.sagaline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sagaline.app.operate.OperatorClient;
import dev.sagaline.app.testsupport.OrchestratorProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code sagaline dev} in a JVM of its own, as a new user starts it, and what an operator does
 * with it: the CLI finds, describes and repairs stuck sagas over its HTTP API, and the timeline
 * page, in real headless Chromium, finds a stuck saga, retries it and sees it finish.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class DevServerIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path dir;

    private OrchestratorProcess dev;
    private OperatorClient api;

    @BeforeAll
    void startTheDevServer() throws IOException {
        dev = OrchestratorProcess.start(dir.resolve("dev.log"), "dev", "--http-port", "0", "--rate", "5", "--data-dir", dir.resolve("data").toString());
        api = new OperatorClient(dev.url(), Optional.empty());
        await().atMost(Duration.ofSeconds(120)).until(() -> dev.output().contains("Sagaline dev server ready: open " + dev.url()));
    }

    @AfterAll
    void stopTheDevServer() throws InterruptedException {
        if (dev != null) {
            dev.close();
        }
    }

    @Test
    void theCliFindsDescribesAndRetriesAStuckSaga() {
        String stuck = awaitStuckSaga();

        Cli list = cli("list", "--status", "STUCK", "--server", dev.url());
        Cli describe = cli("describe", stuck, "--server", dev.url());
        Cli describeJson = cli("describe", stuck, "--json", "--server", dev.url());
        Cli stats = cli("stats", "--server", dev.url());
        Cli events = cli("events", "--saga", stuck, "--server", dev.url());

        assertThat(list.exit).isZero();
        assertThat(list.out).startsWith("SAGA").contains(stuck + " ");
        assertThat(describe.exit).isZero();
        assertThat(describe.out).startsWith(stuck + "  order v1  STUCK").contains("ship", "last error CARRIER_DOWN: the carrier's booking API does not answer");
        assertThat(describeJson.out).contains("\"status\" : \"STUCK\"");
        assertThat(stats.out).contains("order", "STUCK", "COMPLETED", "total ");
        assertThat(events.exit).isZero();
        assertThat(events.out.lines()).first().asString().contains(stuck + " #1 STARTED RUNNING");
        assertThat(events.out).contains("STEP_RETRY_SCHEDULED ship RUNNING CARRIER_DOWN", "STUCK ship DO attempt 3 RUNNING->STUCK");

        Cli retry = cli("retry", stuck, "--reason", "carrier is back", "--operator", "bob", "--server", dev.url());

        assertThat(retry.exit).isZero();
        assertThat(retry.out).startsWith("retry of " + stuck + " requested: request id op-");
        await().atMost(Duration.ofSeconds(60)).until(() -> cli("describe", stuck, "--server", dev.url()).out.contains("COMPLETED"));
        assertThat(cli("events", "--saga", stuck, "--server", dev.url()).out).contains("RETRIED_BY_OPERATOR", "operator retry by bob: carrier is back");
    }

    @Test
    void theCliFollowsNewEventsUntilTheServerStops() throws Exception {
        StringWriter out = new StringWriter();
        CompletableFuture<Integer> follow = CompletableFuture.supplyAsync(() -> {
            picocli.CommandLine commandLine = commandLine(out, new StringWriter());
            return commandLine.execute("events", "--follow", "--server", dev.url());
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().lines().count() >= 5);
        assertThat(out.toString().lines()).allSatisfy(line -> assertThat(line).matches("\\S+ \\S+-order-\\d+ #\\d+ [A-Z_]+ .*"));
        follow.cancel(true);
    }

    @Test
    void theCliSaysWhatWentWrongWithItsExitCode() {
        Cli unknown = cli("describe", "no-such-saga", "--server", dev.url());
        Cli badStatus = cli("list", "--status", "LOST", "--server", dev.url());
        Cli abortWithoutReason = cli("abort", "no-such-saga", "--server", dev.url());
        Cli noServer = cli("stats", "--server", "http://127.0.0.1:1");

        assertThat(unknown.exit).isEqualTo(1);
        assertThat(unknown.err).isEqualTo("sagaline: no saga 'no-such-saga'\n");
        assertThat(badStatus.exit).isEqualTo(2);
        assertThat(badStatus.err).startsWith("sagaline: unknown status 'LOST'");
        assertThat(abortWithoutReason.exit).isEqualTo(2);
        assertThat(abortWithoutReason.err).contains("Missing required option: '--reason=<reason>'");
        assertThat(noServer.exit).isEqualTo(3);
        assertThat(noServer.err).startsWith("sagaline: cannot reach http://127.0.0.1:1");
    }

    @Test
    void theTimelinePageFindsAStuckSagaAndRetriesItToTheEnd() throws IOException {
        assertThat(CHROMIUM).as("Debian's chromium (apt-get install chromium chromium-driver; .ci/run installs it)").isExecutable();
        assertThat(CHROMEDRIVER).as("Debian's chromium-driver").isExecutable();
        String stuck = awaitStuckSaga();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            browser.get(dev.url());
            browser.findElement(By.id("list-button")).click();
            WebElement row = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#saga-list tr[data-saga-id='" + stuck + "']")));
            row.click();
            wait.until(ExpectedConditions.textToBe(By.id("saga-status"), "STUCK"));
            assertThat(browser.findElement(By.cssSelector(".lane[data-step='ship'] .lane-error")).getText())
                    .contains("last error CARRIER_DOWN");
            assertThat(browser.findElements(By.cssSelector(".lane[data-step='ship'] .mark.failed"))).hasSize(3);
            assertThat(browser.findElements(By.cssSelector(".lane[data-step='reserve-stock'] .bar.forward"))).hasSize(1);

            browser.findElement(By.id("operator-input")).sendKeys("carol");
            browser.findElement(By.id("reason-input")).sendKeys("carrier is back");
            browser.findElement(By.id("retry-button")).click();

            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("action-result"), "retry requested (op-"));
            wait.until(ExpectedConditions.textToBe(By.id("saga-status"), "COMPLETED"));
            assertThat(browser.findElements(By.cssSelector(".lane[data-step='reserve-stock'] .bar.confirm"))).hasSize(1);
            assertThat(browser.findElement(By.id("events")).getText()).contains("RETRIED_BY_OPERATOR", "operator retry by carol: carrier is back");
            Path screenshot = Path.of("target", "timeline.png");
            Files.write(screenshot, ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
        } finally {
            browser.quit();
        }
    }

    /** A saga the dev server's trickle left STUCK, once there is one. */
    private String awaitStuckSaga() {
        String[] found = new String[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            List<String> ids = api.get("/api/v1/sagas?status=STUCK").orThrow().path("sagas").findValuesAsText("sagaId");
            // Leave the first one to the other test that repairs one.
            found[0] = ids.size() >= 2 ? ids.get(ids.size() - 1) : null;
            return found[0] != null;
        });
        return found[0];
    }

    private static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = commandLine(out, err).execute(args);
        return new Cli(exit, out.toString(), err.toString());
    }

    private static picocli.CommandLine commandLine(StringWriter out, StringWriter err) {
        return SagalineCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    }

    private record Cli(int exit, String out, String err) {
    }
}
