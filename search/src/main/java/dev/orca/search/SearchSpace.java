package dev.orca.search;

import dev.orca.crd.OrcaExperimentSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The grid of {@code spec.search.space} in a seeded random order: trial {@code i} is always the i-th
 * configuration of that order, so the operator and the CLI (and an operator after a restart) agree on what
 * trial {@code i} is without storing more than its index, and no configuration is tried twice.
 */
public final class SearchSpace {
    private final List<TrialConfig> order;
    private final int budget;
    private final OrcaExperimentSpec.Search search;
    private final int maxEpochs;

    public SearchSpace(OrcaExperimentSpec spec) {
        OrcaExperimentSpec.Search search = spec.search;
        OrcaExperimentSpec.Space space = search.space;
        int batch = spec.finetune.batchSize;
        List<Integer> batchSizes = space.batchSizes != null ? space.batchSizes : List.of(batch, 2 * batch, 4 * batch);
        List<TrialConfig> grid = new ArrayList<>();
        for (int b : batchSizes) {
            for (OrcaExperimentSpec.OptimizerName o : space.optimizers) {
                for (double lr : space.learningRates) {
                    for (double wd : space.weightDecays) {
                        grid.add(new TrialConfig(b, b / batch, o, lr, wd));
                    }
                }
            }
        }
        // Collections.shuffle and java.util.Random are specified algorithms: the same order on every JVM.
        Collections.shuffle(grid, new Random(spec.seed * 0x9E3779B97F4A7C15L + 17));
        this.order = List.copyOf(grid);
        this.budget = Math.min(search.trials, grid.size());
        this.search = search;
        this.maxEpochs = search.maxEpochs != null ? search.maxEpochs : spec.finetune.epochs;
    }

    /** Epochs of the top rung: {@code search.maxEpochs}, else the experiment's own fine-tuning epochs. */
    public int maxEpochs() {
        return maxEpochs;
    }

    /** The scheduler of this search: its rungs and budget. */
    public Asha asha() {
        return new Asha(search.minEpochs, maxEpochs, search.reductionFactor, budget);
    }

    /** Configurations the search tries: the spec's budget, capped at the grid's size. */
    public int budget() {
        return budget;
    }

    public int size() {
        return order.size();
    }

    public TrialConfig config(int trial) {
        if (trial < 0 || trial >= budget) {
            throw new IllegalArgumentException("trial " + trial + " is outside the budget [0, " + budget + ")");
        }
        return order.get(trial);
    }
}
