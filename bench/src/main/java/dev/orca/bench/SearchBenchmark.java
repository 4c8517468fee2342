package dev.orca.bench;

import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.search.BodySelection;
import dev.orca.search.SearchSpace;
import dev.orca.trainer.run.ExperimentFiles;
import dev.orca.trainer.run.ExperimentRun;
import dev.orca.trainer.search.DerivedSpecs;
import dev.orca.trainer.search.LocalSearch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Not a test. {@code bench/run search <experiment.yaml> [--out dir]}: the ASHA search of the experiment's {@code search}
 * (trials in turn, as {@code orca run} does), then the experiment with the best configuration and with its own default
 * configuration, side by side (validation decides; test reported once). {@code bench/run select-bodies <experiment.yaml>}:
 * the experiment run in full with each of {@code body.candidates}, each body's final alignment distance, validation
 * and test figures, and the body the selection rule picks.
 */
public final class SearchBenchmark {

    public static void main(String[] args) throws IOException {
        String what = args[0];
        Path file = Path.of(args[1]);
        Path out = args.length >= 4 && args[2].equals("--out") ? Path.of(args[3]) : Path.of("runs", "bench-" + what);
        OrcaExperimentSpec spec = ExperimentFiles.read(file);
        ExperimentRun.startFresh(out);
        StringBuilder table = new StringBuilder();
        if (what.equals("search")) {
            long start = System.nanoTime();
            LocalSearch.Search search = new LocalSearch(System.out, label -> e -> { }).search(spec, null, out);
            double searchSeconds = (System.nanoTime() - start) / 1e9;
            int best = search.best().orElseThrow(() -> new IllegalStateException("every trial failed")).id();
            SearchSpace space = new SearchSpace(spec);
            table.append(String.format(Locale.ROOT, "ASHA: %d trials, rungs %s epochs, %.0f s%n%n", search.table().size(), search.rungs(),
                    searchSeconds));
            table.append("| trial | configuration | validation per rung |\n|---|---|---|\n");
            for (var t : search.table()) {
                table.append(String.format(Locale.ROOT, "| %d%s | %s | %s |%n", t.id(), t.id() == best ? " (best)" : "", space.config(t.id()),
                        t.state() == dev.orca.search.Asha.State.FAILED ? "failed" : t.results().stream()
                                .map(v -> String.format(Locale.ROOT, "%.4f", v)).toList()));
            }
            ExperimentRun.Result tuned = ExperimentRun.run(DerivedSpecs.resolved(spec, null, best), out.resolve("final-best"), e -> { });
            ExperimentRun.Result plain = ExperimentRun.run(DerivedSpecs.resolved(spec, null, null), out.resolve("final-default"), e -> { });
            var f = spec.finetune;
            table.append(String.format(Locale.ROOT, "%n| %s run | configuration | validation %s | test |%n|---|---|---|---|%n",
                    OrcaExperimentSpec.wireName(spec.mode), tuned.metric()));
            table.append(String.format(Locale.ROOT, "| searched | %s | %.4f | %.4f |%n", space.config(best), tuned.validation(), tuned.test()));
            table.append(String.format(Locale.ROOT, "| default | batch %d (x%d), %s, lr %.0e, wd %s | %.4f | %.4f |%n",
                    f.batchSize * f.gradientAccumulation, f.gradientAccumulation, OrcaExperimentSpec.wireName(f.optimizer.name),
                    f.optimizer.lr, f.optimizer.weightDecay, plain.validation(), plain.test()));
        } else if (what.equals("select-bodies")) {
            List<ExperimentRun.Result> results = new ArrayList<>();
            for (int i = 0; i < spec.body.candidates.size(); i++) {
                results.add(ExperimentRun.run(DerivedSpecs.candidate(spec, i), out.resolve("body-" + i), e -> { }));
                System.out.println(results.get(i));
            }
            List<Double> distances = results.stream().map(r -> r.alignmentCurve().get(r.alignmentCurve().size() - 1)).toList();
            int chosen = BodySelection.choose(distances).orElseThrow();
            table.append("| body | OTDD initial → final | validation | test | align s | fine-tune s |\n|---|---|---|---|---|---|\n");
            for (int i = 0; i < results.size(); i++) {
                ExperimentRun.Result r = results.get(i);
                table.append(String.format(Locale.ROOT, "| %s%s | %.2f → %.2f | %.4f | %.4f | %.0f | %.0f |%n", r.body(),
                        i == chosen ? " (chosen)" : "", r.alignmentCurve().get(0), distances.get(i), r.validation(), r.test(),
                        r.alignmentSeconds(), r.fineTuningSeconds()));
            }
        } else {
            throw new IllegalArgumentException("usage: search|select-bodies <experiment.yaml> [--out dir]");
        }
        System.out.println();
        System.out.print(table);
        Files.createDirectories(out);
        Files.writeString(out.resolve("table.md"), table.toString());
    }
}
