package dev.orca.trainer.search;

import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.search.Comparisons;
import dev.orca.trainer.io.AtomicFiles;
import dev.orca.trainer.progress.ProgressSink;
import dev.orca.trainer.report.RunReport;
import dev.orca.trainer.run.ExperimentRun;
import dev.orca.trainer.run.RunDirectory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code spec.compare} on one machine: after the experiment's own run, each run of the comparison in turn (in its own
 * directory, {@code compare/<i>}), then each compared mode's paired gap, printed, written to {@code comparison.json}
 * (what the operator keeps in {@code status.comparison}) and added to the experiment's {@code report.html}. The operator
 * runs the same runs as Jobs side by side.
 */
public final class LocalComparison {
    private final PrintStream log;
    private final Function<String, ProgressSink> sinks;

    /** @param sinks a progress sink per run, by a label such as {@code compare-3} */
    public LocalComparison(PrintStream log, Function<String, ProgressSink> sinks) {
        this.log = log;
        this.sinks = sinks;
    }

    /** Runs the comparison of {@code spec}, whose own run ended with {@code own}, under {@code out}. */
    public OrcaExperimentStatus.Comparison run(OrcaExperimentSpec spec, ExperimentRun.Result own, Path out) {
        OrcaExperimentStatus.Comparison c = new OrcaExperimentStatus.Comparison();
        c.runs.add(outcome(spec.mode, spec.seed, own.test(), null));
        List<Comparisons.Run> runs = Comparisons.runs(spec);
        for (Comparisons.Run run : runs) {
            log.printf("--- comparison: %s seed %d (%d/%d) ---%n", OrcaExperimentSpec.wireName(run.mode()), run.seed(), run.index() + 1,
                    runs.size());
            try {
                ExperimentRun.Result r = ExperimentRun.run(DerivedSpecs.comparison(spec, run.index()),
                        new RunDirectory(out).comparisonRun(run.index()).root(), sinks.apply("compare-" + run.index()));
                c.runs.add(outcome(run.mode(), run.seed(), r.test(), null));
            } catch (RuntimeException e) {
                c.runs.add(outcome(run.mode(), run.seed(), null, e.getMessage()));
            }
        }
        c.gaps = Comparisons.gapTable(spec, c.runs);
        c.message = String.join("; ", c.gaps.stream().map(g -> Comparisons.describe(spec, g)).toList());
        RunDirectory directory = new RunDirectory(out);
        AtomicFiles.writeJson(directory.comparison(), c);
        print(spec, c);
        RunReport.addSection(directory.report(), "Paired comparison", OrcaExperimentSpec.wireName(spec.mode) + " minus each compared mode,"
                + " seed by seed on the same splits (" + own.metric() + ", lower is better); the interval is the mean's 95 % Student-t"
                + " interval.", gapRows(c));
        RunReport.addSection(directory.report(), "Comparison runs", "Test figure of every run, by mode and seed.", runRows(c));
        return c;
    }

    private static OrcaExperimentStatus.ComparedRun outcome(OrcaExperimentSpec.Mode mode, long seed, Double test, String failure) {
        OrcaExperimentStatus.ComparedRun r = new OrcaExperimentStatus.ComparedRun();
        r.mode = OrcaExperimentSpec.wireName(mode);
        r.seed = seed;
        r.test = test;
        r.state = test != null ? "Succeeded" : "Failed";
        r.message = failure;
        return r;
    }

    private void print(OrcaExperimentSpec spec, OrcaExperimentStatus.Comparison c) {
        log.println("paired comparison (test figure per mode and seed):");
        for (OrcaExperimentStatus.ComparedRun r : c.runs) {
            log.printf(Locale.ROOT, "  %-20s seed %-3d %s%n", r.mode, r.seed, figure(r));
        }
        c.gaps.forEach(g -> log.println(Comparisons.describe(spec, g) + " (95 % interval " + interval(g) + ")"));
    }

    private static String figure(OrcaExperimentStatus.ComparedRun r) {
        return r.test != null ? String.format(Locale.ROOT, "%.4f", r.test) : "failed: " + r.message;
    }

    private static String interval(OrcaExperimentStatus.Gap g) {
        return g.low == null ? "none (one seed)" : String.format(Locale.ROOT, "[%+.4f, %+.4f]", g.low, g.high);
    }

    private static List<List<String>> gapRows(OrcaExperimentStatus.Comparison c) {
        List<List<String>> rows = new ArrayList<>(List.of(List.of("compared mode", "seeds", "gap (mean ± std)", "95 % interval", "verdict")));
        for (OrcaExperimentStatus.Gap g : c.gaps) {
            rows.add(List.of(g.mode, Integer.toString(g.seeds), g.std == null ? String.format(Locale.ROOT, "%+.4f", g.mean)
                    : String.format(Locale.ROOT, "%+.4f ± %.4f", g.mean, g.std), interval(g), g.verdict));
        }
        return rows;
    }

    private static List<List<String>> runRows(OrcaExperimentStatus.Comparison c) {
        List<List<String>> rows = new ArrayList<>(List.of(List.of("mode", "seed", "test")));
        c.runs.forEach(r -> rows.add(List.of(r.mode, Long.toString(r.seed), figure(r))));
        return rows;
    }
}
