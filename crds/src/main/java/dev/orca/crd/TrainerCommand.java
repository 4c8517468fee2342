package dev.orca.crd;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What crosses the process boundary between the operator and a trainer pod, in one place: the command line (built here
 * by the operator, parsed by the trainer's CLI from the same option names), the environment variables, and where a
 * run's sub-runs live under its output directory. A rename here is a compile error on both sides.
 *
 * @param kind      run (the experiment), trial (one ASHA rung of one search trial), align (one body-selection candidate) or
 *                  compare (one run of the paired comparison)
 * @param spec      the experiment file
 * @param out       the run's directory
 * @param body      run, trial: the checkpoint a body selection chose (null: the spec's)
 * @param trial     run: the search trial whose configuration to use; trial: the trial (null for a run without one)
 * @param rung      trial: the ASHA rung
 * @param candidate align: the index into {@code spec.body.candidates}
 * @param comparison compare: the index into the comparison's runs ({@code dev.orca.search.Comparisons})
 * @param ownRunOnly run: leave out {@code spec.compare}'s runs (the operator runs them as Jobs of their own)
 */
public record TrainerCommand(Kind kind, String spec, String out, String body, Integer trial, Integer rung, Integer candidate,
                             Integer comparison, boolean ownRunOnly) {

    /** The subcommands, as written on the command line. */
    public enum Kind {
        RUN("run"), TRIAL("trial"), ALIGN("align"), COMPARE("compare");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    public static final String OUT = "--out";
    public static final String BODY = "--body";
    public static final String TRIAL = "--trial";
    public static final String RUNG = "--rung";
    public static final String CANDIDATE = "--candidate";
    public static final String COMPARISON = "--comparison";
    public static final String OWN_RUN_ONLY = "--own-run-only";

    /** The directory shared by a cluster's runs for embedded proxy sources and OTDD source terms. */
    public static final String ENV_CACHE_DIR = "ORCA_CACHE_DIR";
    /** The name the run goes by in an experiment tracker: the operator sets its Job's name; locally the output directory's. */
    public static final String ENV_RUN_NAME = "ORCA_RUN_NAME";

    public TrainerCommand {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(spec, "spec");
        if (kind != Kind.RUN) {
            refuse(kind, OWN_RUN_ONLY, ownRunOnly ? Boolean.TRUE : null);
        }
        switch (kind) {
            case RUN -> {
                refuse(kind, RUNG, rung);
                refuse(kind, CANDIDATE, candidate);
                refuse(kind, COMPARISON, comparison);
            }
            case TRIAL -> {
                required(TRIAL, trial);
                required(RUNG, rung);
                required(OUT, out);
                refuse(kind, CANDIDATE, candidate);
                refuse(kind, COMPARISON, comparison);
            }
            case ALIGN -> {
                required(CANDIDATE, candidate);
                required(OUT, out);
                refuse(kind, BODY, body);
                refuse(kind, TRIAL, trial);
                refuse(kind, RUNG, rung);
                refuse(kind, COMPARISON, comparison);
            }
            case COMPARE -> {
                required(COMPARISON, comparison);
                required(OUT, out);
                refuse(kind, BODY, body);
                refuse(kind, TRIAL, trial);
                refuse(kind, RUNG, rung);
                refuse(kind, CANDIDATE, candidate);
            }
        }
    }

    private static void required(String option, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " is required");
        }
    }

    private static void refuse(Kind kind, String option, Object value) {
        if (value != null) {
            throw new IllegalArgumentException(kind.word() + " takes no " + option);
        }
    }

    public static TrainerCommand run(String spec, String out, String body, Integer trial, boolean ownRunOnly) {
        return new TrainerCommand(Kind.RUN, spec, out, body, trial, null, null, null, ownRunOnly);
    }

    public static TrainerCommand trial(String spec, String out, int trial, int rung, String body) {
        return new TrainerCommand(Kind.TRIAL, spec, out, body, trial, rung, null, null, false);
    }

    public static TrainerCommand align(String spec, String out, int candidate) {
        return new TrainerCommand(Kind.ALIGN, spec, out, null, null, null, candidate, null, false);
    }

    public static TrainerCommand compare(String spec, String out, int comparison) {
        return new TrainerCommand(Kind.COMPARE, spec, out, null, null, null, null, comparison, false);
    }

    /** The container's arguments, the spec a mounted file and never part of the command. */
    public List<String> args() {
        List<String> args = new ArrayList<>(List.of(kind.word(), spec));
        switch (kind) {
            case RUN -> {
                add(args, OUT, out);
                add(args, BODY, body);
                add(args, TRIAL, trial);
                if (ownRunOnly) {
                    args.add(OWN_RUN_ONLY);
                }
            }
            case TRIAL -> {
                add(args, TRIAL, trial);
                add(args, RUNG, rung);
                add(args, OUT, out);
                add(args, BODY, body);
            }
            case ALIGN -> {
                add(args, CANDIDATE, candidate);
                add(args, OUT, out);
            }
            case COMPARE -> {
                add(args, COMPARISON, comparison);
                add(args, OUT, out);
            }
        }
        return args;
    }

    private static void add(List<String> args, String option, Object value) {
        if (value != null) {
            args.add(option);
            args.add(value.toString());
        }
    }

    /** A search trial's directory under the experiment's, so that a promotion resumes from the rung before. */
    public static String trialDirectory(int trial) {
        return "trials/t" + trial;
    }

    /** A comparison run's directory under the experiment's. */
    public static String comparisonDirectory(int comparison) {
        return "compare/" + comparison;
    }

    /** A body-selection candidate's directory under the experiment's. */
    public static String candidateDirectory(int candidate) {
        return "bodies/" + candidate;
    }
}
