package dev.orca.search;

import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentSpec.Mode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The paired comparison an experiment asks for ({@code spec.compare}), as the operator's planner and the CLI both run it:
 * which runs it adds to the experiment's own, and each compared mode's gap once they have finished.
 *
 * <p>The runs are every (mode, seed) of [{@code spec.mode}, then {@code compare.modes} in order] × [{@code seed},
 * {@code seed + compare.seeds}), except the experiment's own (mode, seed), which its own run covers; a run's index in
 * {@link #runs} names its Job, its directory and its progress key, so it must never change for a spec.
 */
public final class Comparisons {
    private Comparisons() {}

    /** One run of the comparison: its index in {@link #runs}, its mode and its seed. */
    public record Run(int index, Mode mode, long seed) {}

    /**
     * The comparison's runs beyond the experiment's own; empty without {@code spec.compare}. A spec not yet validated
     * (the operator reads reports before it validates) may lack modes or hold null ones: they add no run.
     */
    public static List<Run> runs(OrcaExperimentSpec spec) {
        List<Run> out = new ArrayList<>();
        if (spec.compare == null || spec.compare.modes == null || spec.compare.seeds > OrcaExperimentSpec.Compare.MAX_SEEDS) {
            return out;
        }
        for (Mode mode : modes(spec)) {
            for (long seed = spec.seed; seed < spec.seed + spec.compare.seeds; seed++) {
                if (mode != spec.mode || seed != spec.seed) {
                    out.add(new Run(out.size(), mode, seed));
                }
            }
        }
        return out;
    }

    /** The experiment's mode first, then the compared modes. */
    public static List<Mode> modes(OrcaExperimentSpec spec) {
        List<Mode> modes = new ArrayList<>(List.of(spec.mode));
        if (spec.compare != null && spec.compare.modes != null) {
            spec.compare.modes.stream().filter(java.util.Objects::nonNull).distinct().forEach(modes::add);
        }
        return modes;
    }

    /**
     * Per compared mode, the experiment's mode minus that mode on every seed where both have a test figure
     * ({@code test} returns null for a run that has none: running or failed); a mode without one such seed is absent.
     */
    public static Map<Mode, PairedDifference> gaps(OrcaExperimentSpec spec, BiFunction<Mode, Long, Double> test) {
        Map<Mode, PairedDifference> out = new LinkedHashMap<>();
        if (spec.compare == null || spec.compare.modes == null) {
            return out;
        }
        for (Mode other : modes(spec).subList(1, modes(spec).size())) {
            List<Double> own = new ArrayList<>();
            List<Double> theirs = new ArrayList<>();
            for (long seed = spec.seed; seed < spec.seed + spec.compare.seeds; seed++) {
                Double a = test.apply(spec.mode, seed);
                Double b = test.apply(other, seed);
                if (a != null && b != null) {
                    own.add(a);
                    theirs.add(b);
                }
            }
            if (!own.isEmpty()) {
                out.put(other, PairedDifference.of(own.stream().mapToDouble(Double::doubleValue).toArray(),
                        theirs.stream().mapToDouble(Double::doubleValue).toArray()));
            }
        }
        return out;
    }
}
