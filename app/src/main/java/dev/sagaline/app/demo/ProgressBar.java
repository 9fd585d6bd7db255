package dev.sagaline.app.demo;

import java.io.PrintStream;
import java.time.Duration;

/** A one-line progress bar redrawn in place on a terminal (or appended line by line elsewhere). */
public final class ProgressBar {

    private static final int WIDTH = 40;

    private final PrintStream out;
    private final long total;
    private final boolean inPlace;

    public ProgressBar(PrintStream out, long total, boolean inPlace) {
        this.out = out;
        this.total = total;
        this.inPlace = inPlace;
    }

    /** Draws the bar for {@code done} of the total after {@code elapsed}. */
    public void show(long done, long started, Duration elapsed) {
        int filled = (int) (WIDTH * done / Math.max(1, total));
        double seconds = Math.max(0.001, elapsed.toMillis() / 1000.0);
        String line = String.format("[%s%s] %d/%d sagas finished (%d started) %5.0f sagas/s %5.1fs",
                "#".repeat(filled), "-".repeat(WIDTH - filled), done, total, started, done / seconds, seconds);
        out.print(inPlace ? "\r" + line : line + System.lineSeparator());
        out.flush();
    }

    /** Ends the bar's line. */
    public void finish() {
        if (inPlace) {
            out.println();
        }
    }
}
