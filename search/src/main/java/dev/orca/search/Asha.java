package dev.orca.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter Tuning", MLSys
 * 2020, Algorithm 2), as pure decisions over a trial table. Rung {@code k} trains a configuration for
 * {@code epochs(k)} epochs; whenever a worker is free, the highest rung with a configuration in its top
 * {@code ⌊n/η⌋} that has not been promoted yet promotes it one rung up; otherwise a new configuration starts at
 * rung 0 while the budget lasts. Nothing waits for a full rung, so a slow trial never blocks the others.
 *
 * <p>Written here rather than taken from a library: the Java tuning libraries available (none of Ray Tune's,
 * Optuna's or Determined's schedulers exist for the JVM) do not expose ASHA as a side-effect-free function, and
 * the operator must be able to recompute every decision from its status after a restart.
 */
public final class Asha {

    /** Where a trial stands. {@code results.get(k)} is its validation metric at the end of rung k (lower is better). */
    public record Trial(int id, int rung, State state, List<Double> results) {
        public Trial {
            results = List.copyOf(results);
        }

        /** A trial that finished rung {@code rung} and waits (it may still be promoted). */
        public static Trial waiting(int id, List<Double> results) {
            return new Trial(id, results.size() - 1, State.WAITING, results);
        }

        public static Trial running(int id, int rung, List<Double> results) {
            return new Trial(id, rung, State.RUNNING, results);
        }
    }

    public enum State { RUNNING, WAITING, FAILED }

    /** How a trial is shown (status table, {@code search.json}); {@link #describe} says which applies. */
    public static final String RUNNING = "Running";
    public static final String WAITING = "Waiting";
    public static final String COMPLETED = "Completed";
    public static final String STOPPED = "Stopped";
    public static final String FAILED = "Failed";

    /** What a free worker does next: run trial {@code trial} at {@code rung} (rung 0 of a new trial, or a promotion). */
    public record Job(int trial, int rung, boolean promotion) {}

    private final List<Integer> rungs;
    private final int eta;
    private final int budget;

    /**
     * @param minEpochs ASHA's minimum resource r (rung 0)
     * @param maxEpochs its maximum resource R (the top rung)
     * @param eta       reduction factor η ≥ 2
     * @param budget    configurations to start in all
     */
    public Asha(int minEpochs, int maxEpochs, int eta, int budget) {
        if (minEpochs < 1 || maxEpochs < minEpochs || eta < 2 || budget < 1) {
            throw new IllegalArgumentException("ASHA needs 1 <= minEpochs <= maxEpochs, eta >= 2 and a budget >= 1, got "
                    + minEpochs + ", " + maxEpochs + ", " + eta + ", " + budget);
        }
        this.rungs = rungs(minEpochs, maxEpochs, eta);
        this.eta = eta;
        this.budget = budget;
    }

    /**
     * Epochs per rung: {@code r·η^k} for every k with {@code r·η^(k+1) ≤ R}, then R, so that the winner trains for the
     * full budget even when R/r is not a power of η, and no rung sits just below R ({@code (1, 10, 3)} gives 1, 3, 10
     * rather than 1, 3, 9, 10; {@code (1, 6, 3)} gives 1, 6).
     */
    public static List<Integer> rungs(int minEpochs, int maxEpochs, int eta) {
        List<Integer> out = new ArrayList<>();
        long r = minEpochs;
        while (r * eta <= maxEpochs) {
            out.add((int) r);
            r *= eta;
        }
        out.add(maxEpochs);
        return List.copyOf(out);
    }

    public List<Integer> rungs() {
        return rungs;
    }

    public int topRung() {
        return rungs.size() - 1;
    }

    public int budget() {
        return budget;
    }

    /** The job for one free worker, or none (the budget is spent and nothing is promotable now). */
    public Optional<Job> next(List<Trial> trials) {
        for (int k = topRung() - 1; k >= 0; k--) {
            for (Trial t : top(trials, k)) {
                if (t.state() == State.WAITING && t.results().size() == k + 1) {
                    return Optional.of(new Job(t.id(), k + 1, true));
                }
            }
        }
        return trials.size() < budget ? Optional.of(new Job(trials.size(), 0, false)) : Optional.empty();
    }

    /**
     * Jobs to start now so that at most {@code parallelism} trials run, each decided as if the previous one had
     * just been handed out, and the table as it will be once they started.
     */
    public Schedule schedule(List<Trial> trials, int parallelism) {
        List<Trial> table = new ArrayList<>(trials);
        List<Job> jobs = new ArrayList<>();
        long running = table.stream().filter(t -> t.state() == State.RUNNING).count();
        while (running < parallelism) {
            Optional<Job> job = next(table);
            if (job.isEmpty()) {
                break;
            }
            Job j = job.get();
            if (j.promotion()) {
                Trial t = table.get(indexOf(table, j.trial()));
                table.set(indexOf(table, j.trial()), Trial.running(t.id(), j.rung(), t.results()));
            } else {
                table.add(Trial.running(j.trial(), 0, List.of()));
            }
            jobs.add(j);
            running++;
        }
        return new Schedule(List.copyOf(jobs), List.copyOf(table));
    }

    public record Schedule(List<Job> jobs, List<Trial> table) {}

    /**
     * Running, Failed, Completed (finished the top rung), Waiting (may still be promoted) or, once the search is
     * {@code over}, Stopped (ended below the top rung without a promotion).
     */
    public String describe(Trial t, boolean over) {
        return switch (t.state()) {
            case RUNNING -> RUNNING;
            case FAILED -> FAILED;
            case WAITING -> t.results().size() == rungs.size() ? COMPLETED : over ? STOPPED : WAITING;
        };
    }

    /** The search is over: nothing runs, and no worker would get a job. */
    public boolean finished(List<Trial> trials) {
        return trials.stream().noneMatch(t -> t.state() == State.RUNNING) && next(trials).isEmpty();
    }

    /** The best trial at the highest rung any trial finished (ties: the lower id); empty while no rung finished. */
    public Optional<Trial> best(List<Trial> trials) {
        for (int k = topRung(); k >= 0; k--) {
            List<Trial> ranked = ranked(trials, k);
            if (!ranked.isEmpty()) {
                return Optional.of(ranked.get(0));
            }
        }
        return Optional.empty();
    }

    /** The top ⌊n/η⌋ of rung k, best first. */
    List<Trial> top(List<Trial> trials, int k) {
        List<Trial> ranked = ranked(trials, k);
        return ranked.subList(0, ranked.size() / eta);
    }

    /** Trials that finished rung k, by their result there (NaN last), then by id. */
    private static List<Trial> ranked(List<Trial> trials, int k) {
        return trials.stream().filter(t -> t.results().size() > k)
                .sorted(Comparator.<Trial>comparingDouble(t -> t.results().get(k)).thenComparingInt(Trial::id)).toList();
    }

    private static int indexOf(List<Trial> table, int id) {
        for (int i = 0; i < table.size(); i++) {
            if (table.get(i).id() == id) {
                return i;
            }
        }
        throw new IllegalArgumentException("no trial " + id);
    }
}
