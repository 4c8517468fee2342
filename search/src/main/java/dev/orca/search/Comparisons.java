package dev.orca.search;

import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentSpec.Mode;
import dev.orca.crd.OrcaExperimentStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
        List<Mode> modes = modes(spec);
        for (Mode other : modes.subList(1, modes.size())) {
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

    /**
     * The gaps as {@code status.comparison.gaps} (and a local run's {@code comparison.json}) hold them, from the runs'
     * figures as {@code status.comparison.runs} holds them (mode by wire name, seed, test; null test: no figure).
     */
    public static List<OrcaExperimentStatus.Gap> gapTable(OrcaExperimentSpec spec, List<OrcaExperimentStatus.ComparedRun> runs) {
        Map<String, Double> tests = new HashMap<>();
        runs.forEach(r -> tests.put(r.mode + "/" + r.seed, r.test));
        List<OrcaExperimentStatus.Gap> out = new ArrayList<>();
        gaps(spec, (mode, seed) -> tests.get(OrcaExperimentSpec.wireName(mode) + "/" + seed)).forEach((mode, d) -> {
            OrcaExperimentStatus.Gap g = new OrcaExperimentStatus.Gap();
            g.mode = OrcaExperimentSpec.wireName(mode);
            g.seeds = d.differences().length;
            g.mean = d.mean();
            g.std = finite(d.std());
            g.low = finite(d.low());
            g.high = finite(d.high());
            g.verdict = switch (d.verdict()) {
                case A_BETTER -> "better";
                case B_BETTER -> "worse";
                case UNRESOLVED -> "unresolved";
            };
            out.add(g);
        });
        return out;
    }

    /** One line per gap, for the status message and the CLI: "orca - finetune -0.0125 ± 0.0177 over 2 seeds: unresolved". */
    public static String describe(OrcaExperimentSpec spec, OrcaExperimentStatus.Gap g) {
        String own = OrcaExperimentSpec.wireName(spec.mode);
        return g.std == null ? String.format(Locale.ROOT, "%s - %s %+.4f on 1 seed: %s", own, g.mode, g.mean, g.verdict)
                : String.format(Locale.ROOT, "%s - %s %+.4f ± %.4f over %d seeds: %s", own, g.mode, g.mean, g.std, g.seeds, g.verdict);
    }

    /** One seed has no spread: absent rather than NaN, which JSON cannot carry. */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
