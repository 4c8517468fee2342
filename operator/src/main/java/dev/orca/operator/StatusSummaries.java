package dev.orca.operator;

import dev.orca.crd.OrcaExperimentStatus;
import java.util.Locale;

/**
 * The status's figures as people read them in {@code kubectl get}: a printer column cannot format a number (it prints
 * 86.93648637135824) or join a metric to its name, so the status carries short strings beside the figures.
 */
final class StatusSummaries {
    private StatusSummaries() {}

    /** {@code s} with its summaries set from its figures. */
    static OrcaExperimentStatus summarized(OrcaExperimentStatus s) {
        if (s.otdd != null) s.otdd.summary = otdd(s.otdd);
        if (s.metric != null) s.metric.summary = metric(s.metric);
        if (s.progress != null) s.progress.summary = progress(s.progress, s.phase != null && s.phase.finished());
        return s;
    }

    static String otdd(OrcaExperimentStatus.Otdd otdd) {
        if (otdd.initial == null || otdd.current == null) return otdd.current == null ? null : significant(otdd.current);
        return otdd.curve.size() <= 1 ? significant(otdd.current) : significant(otdd.initial) + " -> " + significant(otdd.current);
    }

    static String metric(OrcaExperimentStatus.MetricValue m) {
        if (m.value == null) return null;
        return (m.name == null ? "" : m.name + " ") + significant(m.value) + (m.split == null ? "" : " (" + m.split + ")");
    }

    static String progress(OrcaExperimentStatus.Progress p, boolean finished) {
        String done = p.percent != null ? p.percent + "%" : p.epoch != null && p.epochs != null ? p.epoch + "/" + p.epochs : null;
        if (done == null || finished || p.etaSeconds == null || p.etaSeconds <= 0) return done;
        return done + " eta " + duration(p.etaSeconds);
    }

    /** Four significant figures, the way a person compares distances and metrics (100.3, 86.94, 0.3800, 1.235e+06). */
    static String significant(double value) {
        return String.format(Locale.ROOT, "%.4g", value);
    }

    /** 45s, 4m10s, 2h05m, 3d04h: the two largest units. */
    static String duration(long seconds) {
        if (seconds < 60) return seconds + "s";
        if (seconds < 3600) return seconds / 60 + "m" + String.format(Locale.ROOT, "%02ds", seconds % 60);
        if (seconds < 86400) return seconds / 3600 + "h" + String.format(Locale.ROOT, "%02dm", seconds % 3600 / 60);
        return seconds / 86400 + "d" + String.format(Locale.ROOT, "%02dh", seconds % 86400 / 3600);
    }
}
