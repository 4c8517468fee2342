package dev.orca.trainer.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.html} beside {@code result.json}: the headline figures and the alignment (OTDD) and
 * training-loss curves as inline SVG, one self-contained file a browser opens from a PVC or a laptop.
 * SVG by hand rather than a charting library: the charting libraries on Maven Central (JFreeChart, XChart)
 * draw through AWT, which needs fonts and a headless toolkit in the trainer image for two line plots.
 */
public final class RunReport {
    private RunReport() {}

    /** What the report shows; curves may be empty (a mode without alignment, a resumed finished run). */
    public record Content(String title, String mode, String body, String metric, double test, double validation,
                          int evaluatedEpoch, List<Double> alignmentCurve, String alignmentMetric, List<Double> trainingLoss,
                          double alignmentSeconds, double fineTuningSeconds) {}

    public static void write(Path file, Content c) {
        StringBuilder html = new StringBuilder();
        html.append("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>").append(escape(c.title()))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:60em}"
                        + "td,th{padding:.2em .8em;text-align:left}svg{border:1px solid #ddd;margin:.5em 0}</style></head><body>\n")
                .append("<h1>").append(escape(c.title())).append("</h1>\n<table>\n")
                .append(row("mode", c.mode())).append(row("body", c.body()))
                .append(row(c.metric() + " (test, epoch " + c.evaluatedEpoch() + ")", number(c.test())))
                .append(row(c.metric() + " (validation, epoch " + c.evaluatedEpoch() + ")", number(c.validation())))
                .append(row("alignment time", String.format(Locale.ROOT, "%.1f s", c.alignmentSeconds())))
                .append(row("fine-tuning time", String.format(Locale.ROOT, "%.1f s", c.fineTuningSeconds())))
                .append("</table>\n");
        html.append("<h2>Alignment: ").append(escape(c.alignmentMetric())).append(" per epoch</h2>\n")
                .append(c.alignmentCurve().isEmpty() ? "<p>No alignment in this run.</p>\n" : chart(c.alignmentCurve(), "#c0392b"));
        html.append("<h2>Training loss per epoch</h2>\n")
                .append(c.trainingLoss().isEmpty() ? "<p>No training epochs recorded (a checkpoint from before Orca kept its curve).</p>\n"
                        : chart(c.trainingLoss(), "#2c3e80"));
        html.append("</body></html>\n");
        dev.orca.trainer.io.AtomicFiles.writeString(file, html.toString());
    }

    /**
     * Adds a table section to a written report, before its end: what a later step (the paired comparison, which finishes
     * after the experiment's own run) has to say. The first row is the header.
     */
    public static void addSection(Path file, String title, String note, List<List<String>> rows) {
        String html;
        try {
            html = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        StringBuilder section = new StringBuilder("<h2>").append(escape(title)).append("</h2>\n<p>").append(escape(note))
                .append("</p>\n<table>\n");
        for (int i = 0; i < rows.size(); i++) {
            String cell = i == 0 ? "th" : "td";
            section.append("<tr>");
            rows.get(i).forEach(v -> section.append('<').append(cell).append('>').append(escape(v)).append("</").append(cell).append('>'));
            section.append("</tr>\n");
        }
        section.append("</table>\n");
        int end = html.lastIndexOf("</body>");
        dev.orca.trainer.io.AtomicFiles.writeString(file, end < 0 ? html + section : html.substring(0, end) + section + html.substring(end));
    }

    /** A line chart with its y range labelled and epochs 1..n on x; non-finite points are left out. */
    static String chart(List<Double> values, String colour) {
        int width = 640;
        int height = 240;
        int left = 70;
        int bottom = 30;
        double min = values.stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).min().orElse(0);
        double max = values.stream().filter(Double::isFinite).mapToDouble(Double::doubleValue).max().orElse(1);
        double span = max > min ? max - min : Math.max(1e-12, Math.abs(max));
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            double v = values.get(i);
            if (!Double.isFinite(v)) {
                continue;
            }
            double x = left + (values.size() == 1 ? 0.5 : (double) i / (values.size() - 1)) * (width - left - 10);
            double y = 10 + (1 - (v - min) / span) * (height - bottom - 10);
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        return String.format(Locale.ROOT, """
                <svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img">
                <line x1="%d" y1="10" x2="%d" y2="%d" stroke="#888"/><line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/>
                <text x="4" y="18" font-size="12">%s</text><text x="4" y="%d" font-size="12">%s</text>
                <text x="%d" y="%d" font-size="12">epoch 1</text><text x="%d" y="%d" font-size="12" text-anchor="end">epoch %d</text>
                <polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>
                </svg>
                """, width, height, left, left, height - bottom, left, height - bottom, width - 10, height - bottom,
                number(max), height - bottom, number(min), left, height - 10, width - 10, height - 10, values.size(),
                colour, points.toString().trim());
    }

    private static String row(String name, String value) {
        return "<tr><th>" + escape(name) + "</th><td>" + escape(value) + "</td></tr>\n";
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "n/a";
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
