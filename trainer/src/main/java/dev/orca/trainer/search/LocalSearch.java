package dev.orca.trainer.search;

import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.search.Asha;
import dev.orca.search.BodySelection;
import dev.orca.search.SearchSpace;
import dev.orca.trainer.progress.ProgressSink;
import dev.orca.trainer.run.ExperimentRun;
import dev.orca.trainer.run.RunDirectory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the operator does with Jobs, in one process: body selection (each candidate aligned in turn under
 * {@code <out>/bodies/<i>}) and the ASHA search (one worker; rung after rung under {@code <out>/trials/t<i>}, a
 * promotion resuming from the trial's checkpoint), with the same decisions ({@link Asha}, {@link BodySelection}).
 * A failed trial or candidate is recorded and the rest go on.
 */
public final class LocalSearch {
    private final PrintStream log;
    private final Function<String, ProgressSink> sinks;

    /** @param sinks a progress sink per sub-run, by a label such as {@code trial-3} */
    public LocalSearch(PrintStream log, Function<String, ProgressSink> sinks) {
        this.log = log;
        this.sinks = sinks;
    }

    /** One candidate's outcome: its final distance, or why it failed. */
    public record Candidate(String body, Double otdd, String failure) {}

    public record Selection(List<Candidate> candidates, Optional<Integer> chosen) {}

    public Selection selectBody(OrcaExperimentSpec spec, Path out) {
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < spec.body.candidates.size(); i++) {
            String body = spec.body.candidates.get(i);
            log.printf("--- body selection: aligning %s (%d/%d) ---%n", body, i + 1, spec.body.candidates.size());
            try {
                ExperimentRun.AlignmentResult r = ExperimentRun.align(DerivedSpecs.candidate(spec, i), new RunDirectory(out).candidateRun(i).root(),
                        sinks.apply("body-" + i));
                candidates.add(new Candidate(body, r.last(), null));
            } catch (RuntimeException e) {
                candidates.add(new Candidate(body, null, e.getMessage()));
            }
        }
        Optional<Integer> chosen = BodySelection.choose(candidates.stream().map(Candidate::otdd).toList());
        log.println("body selection (final alignment distance, smaller is closer to the source):");
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            log.printf(Locale.ROOT, "  %s %-32s %s%n", chosen.isPresent() && chosen.get() == i ? "*" : " ", c.body(),
                    c.otdd() != null ? String.format(Locale.ROOT, "%.4f", c.otdd()) : "failed: " + c.failure());
        }
        return new Selection(List.copyOf(candidates), chosen);
    }

    /** {@code search.json}: what the operator keeps in {@code status.search}, for a local run. */
    private static void writeSummary(Path file, Asha asha, SearchSpace space, List<Asha.Trial> table, Optional<Asha.Trial> best) {
        List<java.util.Map<String, Object>> trials = new ArrayList<>();
        for (Asha.Trial t : table) {
            java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
            row.put("id", t.id());
            row.put("config", space.config(t.id()));
            row.put("state", asha.describe(t, true));
            row.put("results", t.results());
            trials.add(row);
        }
        java.util.Map<String, Object> summary = new java.util.LinkedHashMap<>();
        summary.put("rungs", asha.rungs());
        summary.put("budget", asha.budget());
        summary.put("best", best.map(Asha.Trial::id).orElse(null));
        summary.put("trials", trials);
        dev.orca.trainer.io.AtomicFiles.writeJson(file, summary);
    }

    /** The search's table at its end and the best trial (empty when every trial failed). */
    public record Search(List<Integer> rungs, List<Asha.Trial> table, Optional<Asha.Trial> best, List<String> failures) {}

    public Search search(OrcaExperimentSpec spec, String body, Path out) {
        SearchSpace space = new SearchSpace(spec);
        Asha asha = space.asha();
        List<Asha.Trial> table = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Optional<Asha.Job> next = asha.next(table); next.isPresent(); next = asha.next(table)) {
            Asha.Job job = next.get();
            int epochs = asha.rungs().get(job.rung());
            List<Double> before = job.promotion() ? table.get(job.trial()).results() : List.of();
            log.printf(Locale.ROOT, "--- trial %d, rung %d (%d epochs): %s ---%n", job.trial(), job.rung(), epochs, space.config(job.trial()));
            Asha.Trial after;
            try {
                ExperimentRun.TrialResult r = ExperimentRun.trial(DerivedSpecs.trial(spec, job.trial(), body), epochs,
                        new RunDirectory(out).trialRun(job.trial()).root(), sinks.apply("trial-" + job.trial()));
                List<Double> results = new ArrayList<>(before);
                results.add(r.at(epochs));
                after = Asha.Trial.waiting(job.trial(), results);
                log.printf(Locale.ROOT, "trial %d rung %d: validation %s = %.4f%n", job.trial(), job.rung(), r.metric(), r.at(epochs));
            } catch (RuntimeException e) {
                after = new Asha.Trial(job.trial(), job.rung(), Asha.State.FAILED, before);
                failures.add("trial " + job.trial() + ": " + e.getMessage());
                log.printf("trial %d rung %d failed: %s%n", job.trial(), job.rung(), e.getMessage());
            }
            if (job.promotion()) {
                table.set(job.trial(), after);
            } else {
                table.add(after);
            }
        }
        Optional<Asha.Trial> best = asha.best(table);
        writeSummary(new RunDirectory(out).search(), asha, space, table, best);
        log.printf("search: %d trials, rungs %s epochs; best %s%n", table.size(), asha.rungs(),
                best.map(t -> "trial " + t.id() + " (" + space.config(t.id()) + "), validation " + t.results()).orElse("none (every trial failed)"));
        return new Search(asha.rungs(), List.copyOf(table), best, List.copyOf(failures));
    }
}
