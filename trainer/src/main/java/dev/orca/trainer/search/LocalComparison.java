package dev.orca.trainer.search;

import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentSpec.Mode;
import dev.orca.search.Comparisons;
import dev.orca.search.PairedDifference;
import dev.orca.trainer.io.AtomicFiles;
import dev.orca.trainer.progress.ProgressSink;
import dev.orca.trainer.report.RunReport;
import dev.orca.trainer.run.ExperimentRun;
import dev.orca.trainer.run.RunDirectory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code spec.compare} on one machine: after the experiment's own run, each run of the comparison in turn (in its own
 * directory, {@code compare/<i>}), then each compared mode's paired gap, printed, written to {@code comparison.json} and
 * added to the experiment's {@code report.html}. The operator runs the same runs as Jobs side by side.
 */
public final class LocalComparison {
    private final PrintStream log;
    private final Function<String, ProgressSink> sinks;

    /** @param sinks a progress sink per run, by a label such as {@code compare-3} */
    public LocalComparison(PrintStream log, Function<String, ProgressSink> sinks) {
        this.log = log;
        this.sinks = sinks;
    }

    /** One run's outcome: its test figure, or why it failed. */
    public record Outcome(String mode, long seed, Double test, String failure) {}

    /** A compared mode's gap, as {@code comparison.json} holds it. */
    public record Gap(String mode, int seeds, double mean, double std, double low, double high, String verdict) {}

    public record Result(List<Outcome> runs, List<Gap> gaps) {}

    /** Runs the comparison of {@code spec}, whose own run ended with {@code own}, under {@code out}. */
    public Result run(OrcaExperimentSpec spec, ExperimentRun.Result own, Path out) {
        List<Outcome> outcomes = new ArrayList<>(List.of(new Outcome(OrcaExperimentSpec.wireName(spec.mode), spec.seed, own.test(), null)));
        List<Comparisons.Run> runs = Comparisons.runs(spec);
        for (Comparisons.Run run : runs) {
            log.printf("--- comparison: %s seed %d (%d/%d) ---%n", OrcaExperimentSpec.wireName(run.mode()), run.seed(), run.index() + 1,
                    runs.size());
            try {
                ExperimentRun.Result r = ExperimentRun.run(DerivedSpecs.comparison(spec, run.index()),
                        new RunDirectory(out).comparisonRun(run.index()).root(), sinks.apply("compare-" + run.index()));
                outcomes.add(new Outcome(OrcaExperimentSpec.wireName(run.mode()), run.seed(), r.test(), null));
            } catch (RuntimeException e) {
                outcomes.add(new Outcome(OrcaExperimentSpec.wireName(run.mode()), run.seed(), null, e.getMessage()));
            }
        }
        Map<String, Double> tests = new HashMap<>();
        outcomes.forEach(o -> tests.put(o.mode() + "/" + o.seed(), o.test()));
        Map<Mode, PairedDifference> gaps = Comparisons.gaps(spec, (mode, seed) -> tests.get(OrcaExperimentSpec.wireName(mode) + "/" + seed));
        List<Gap> table = new ArrayList<>();
        gaps.forEach((mode, d) -> table.add(new Gap(OrcaExperimentSpec.wireName(mode), d.differences().length, d.mean(), d.std(), d.low(),
                d.high(), verdict(d))));
        Result result = new Result(outcomes, table);
        RunDirectory directory = new RunDirectory(out);
        AtomicFiles.writeJson(directory.comparison(), result);
        print(spec, result);
        RunReport.addSection(directory.report(), "Paired comparison", OrcaExperimentSpec.wireName(spec.mode) + " minus each compared mode,"
                + " seed by seed on the same splits (" + own.metric() + ", lower is better); the interval is the mean's 95 % Student-t"
                + " interval.", gapRows(result));
        RunReport.addSection(directory.report(), "Comparison runs", "Test figure of every run, by mode and seed.", runRows(result));
        return result;
    }

    /** What the gap says, for a metric that is better lower. */
    public static String verdict(PairedDifference d) {
        return switch (d.verdict()) {
            case A_BETTER -> "better";
            case B_BETTER -> "worse";
            case UNRESOLVED -> "unresolved";
        };
    }

    private void print(OrcaExperimentSpec spec, Result result) {
        log.println("paired comparison (test figure per mode and seed):");
        for (Outcome o : result.runs()) {
            log.printf(Locale.ROOT, "  %-20s seed %-3d %s%n", o.mode(), o.seed(),
                    o.test() != null ? String.format(Locale.ROOT, "%.4f", o.test()) : "failed: " + o.failure());
        }
        for (Gap g : result.gaps()) {
            log.printf(Locale.ROOT, "%s - %s: %+.4f +- %.4f over %d seeds, 95%% interval [%+.4f, %+.4f]: %s%n",
                    OrcaExperimentSpec.wireName(spec.mode), g.mode(), g.mean(), g.std(), g.seeds(), g.low(), g.high(), g.verdict());
        }
    }

    private static List<List<String>> gapRows(Result result) {
        List<List<String>> rows = new ArrayList<>(List.of(List.of("compared mode", "seeds", "gap (mean ± std)", "95 % interval", "verdict")));
        for (Gap g : result.gaps()) {
            rows.add(List.of(g.mode(), Integer.toString(g.seeds()), String.format(Locale.ROOT, "%+.4f ± %.4f", g.mean(), g.std()),
                    String.format(Locale.ROOT, "[%+.4f, %+.4f]", g.low(), g.high()), g.verdict()));
        }
        return rows;
    }

    private static List<List<String>> runRows(Result result) {
        List<List<String>> rows = new ArrayList<>(List.of(List.of("mode", "seed", "test")));
        for (Outcome o : result.runs()) {
            rows.add(List.of(o.mode(), Long.toString(o.seed()),
                    o.test() != null ? String.format(Locale.ROOT, "%.4f", o.test()) : "failed: " + o.failure()));
        }
        return rows;
    }
}
