package dev.orca.trainer.progress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A terminal progress bar: one line redrawn in place on a terminal, one line per event otherwise
 * (logs and CI output stay readable).
 */
public final class ConsoleSink implements ProgressSink {

    private static final int WIDTH = 24;
    private final PrintStream out;
    private final boolean redraw;
    private boolean open;

    public ConsoleSink(PrintStream out, boolean redraw) {
        this.out = out;
        this.redraw = redraw;
    }

    public static ConsoleSink forStdout() {
        return new ConsoleSink(System.out, System.console() != null);
    }

    @Override
    public void accept(ProgressEvent e) {
        String line = format(e);
        boolean transient_ = redraw && e.epoch() != null && e.epochs() != null && e.epoch() < e.epochs();
        if (redraw) {
            out.print("\r\033[2K" + line);
            if (!transient_) {
                out.println();
            }
            open = transient_;
        } else {
            out.println(line);
        }
        out.flush();
    }

    static String format(ProgressEvent e) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-11s", e.stage().wireName()));
        if (e.epoch() != null && e.epochs() != null) {
            int filled = (int) Math.round(WIDTH * (double) e.epoch() / e.epochs());
            b.append(" [").append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%d/%d", e.epoch(), e.epochs()));
        }
        if (e.loss() != null) {
            b.append(String.format(Locale.ROOT, "  loss %.4g", e.loss()));
        }
        if (e.otdd() != null) {
            b.append(String.format(Locale.ROOT, "  otdd %.4g", e.otdd()));
        }
        if (e.metric() != null && e.metricValue() != null) {
            b.append(String.format(Locale.ROOT, "  %s %.4g (%s)", e.metric(), e.metricValue(), e.split()));
        }
        if (e.etaSeconds() != null) {
            long s = e.etaSeconds();
            b.append(String.format(Locale.ROOT, "  eta %d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60));
        }
        if (e.message() != null) {
            b.append("  ").append(e.message());
        }
        return b.toString();
    }

    @Override
    public void close() {
        if (open) {
            out.println();
        }
    }
}
