package dev.orca.trainer.results;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentStatus;
import java.util.List;
import java.util.Locale;

/**
 * An experiment's status as a terminal shows it: phase and why, the alignment curve as a sparkline, the task metric,
 * the paired comparison's gaps, where the files are. Pure: {@link ExperimentResults} fetches, this formats.
 */
public final class ResultsView {
    private static final char[] BARS = {'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'};

    private ResultsView() {}

    public static String render(OrcaExperiment e) {
        StringBuilder out = new StringBuilder();
        OrcaExperimentSpec spec = e.getSpec();
        OrcaExperimentStatus s = e.getStatus() == null ? new OrcaExperimentStatus() : e.getStatus();
        out.append(e.getMetadata().getNamespace()).append('/').append(e.getMetadata().getName()).append(": ")
                .append(s.phase == null ? "not reconciled yet" : s.phase.name());
        s.condition("Ready").map(c -> c.getMessage()).filter(m -> m != null && !m.isBlank()).ifPresent(m -> out.append(" (").append(m).append(')'));
        out.append('\n');
        if (spec != null) {
            out.append(String.format(Locale.ROOT, "  %-10s %s on %s, seed %d%n", "run", OrcaExperimentSpec.wireName(spec.mode),
                    spec.body == null ? "?" : spec.body.checkpoint, spec.seed));
        }
        if (s.progress != null && s.phase != null && !s.phase.finished() && s.progress.summary != null) {
            out.append(String.format(Locale.ROOT, "  %-10s %s%n", "progress", s.progress.summary));
        }
        if (s.otdd != null && s.otdd.curve != null && !s.otdd.curve.isEmpty()) {
            List<Double> c = s.otdd.curve;
            out.append(String.format(Locale.ROOT, "  %-10s %s  %s -> %s (%d epochs shown)%n", "alignment", sparkline(c),
                    figure(c.get(0)), figure(c.get(c.size() - 1)), c.size()));
        }
        if (s.metric != null && s.metric.value != null) {
            out.append(String.format(Locale.ROOT, "  %-10s %s = %s (%s)", "metric", s.metric.name, figure(s.metric.value),
                    s.metric.split == null ? "latest" : s.metric.split));
            if (s.metric.validation != null && !"validation".equals(s.metric.split)) {
                out.append(String.format(Locale.ROOT, ", validation %s", figure(s.metric.validation)));
            }
            out.append('\n');
        }
        if (s.comparison != null && s.comparison.gaps != null) {
            for (OrcaExperimentStatus.Gap g : s.comparison.gaps) {
                out.append(String.format(Locale.ROOT, "  %-10s %s - %s over %d seeds: %s [%s, %s], %s%n", "gap",
                        OrcaExperimentSpec.wireName(spec.mode), g.mode, g.seeds == null ? 0 : g.seeds, signed(g.mean), signed(g.low),
                        signed(g.high), g.verdict));
            }
        }
        if (s.restarts != null && s.restarts > 0) {
            out.append(String.format(Locale.ROOT, "  %-10s %d (each resumed from its checkpoint)%n", "restarts", s.restarts));
        }
        if (s.results != null) {
            out.append(String.format(Locale.ROOT, "  %-10s %s%n", "files", s.results));
        }
        return out.toString();
    }

    /** Eight levels between the curve's own minimum and maximum; a flat curve is a flat line. */
    static String sparkline(List<Double> values) {
        double min = values.stream().filter(v -> v != null && Double.isFinite(v)).mapToDouble(Double::doubleValue).min().orElse(0);
        double max = values.stream().filter(v -> v != null && Double.isFinite(v)).mapToDouble(Double::doubleValue).max().orElse(0);
        StringBuilder out = new StringBuilder();
        for (Double v : values) {
            if (v == null || !Double.isFinite(v)) {
                out.append(' ');
            } else {
                int level = max > min ? (int) Math.round((v - min) / (max - min) * (BARS.length - 1)) : 0;
                out.append(BARS[level]);
            }
        }
        return out.toString();
    }

    /** Four significant figures, as the printer columns. */
    static String figure(Double v) {
        return v == null ? "-" : Double.isFinite(v) ? new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros()
                .toPlainString() : v.toString();
    }

    private static String signed(Double v) {
        return v == null ? "-" : (v >= 0 ? "+" : "") + figure(v);
    }
}
