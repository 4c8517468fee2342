package dev.orca.trainer.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentSpec.Mode;
import dev.orca.search.Comparisons;
import dev.orca.search.SearchSpace;
import dev.orca.search.TrialConfig;

/**
 * The specs a search, a body selection or a comparison runs, derived from the user's: the same derivation whether the
 * CLI runs them in turn or the operator's Jobs run them (their arguments name only a trial, candidate or run index).
 */
public final class DerivedSpecs {
    private static final ObjectMapper COPY = new ObjectMapper();

    private DerivedSpecs() {}

    /** A deep copy (through a JSON tree: convertValue to the same type would hand back the same object). */
    public static OrcaExperimentSpec copy(OrcaExperimentSpec spec) {
        return COPY.convertValue(COPY.valueToTree(spec), OrcaExperimentSpec.class);
    }

    /**
     * Trial {@code trial}: the experiment without alignment (the paper tunes on plain fine-tuning; orca-layernorm
     * searches as finetune-layernorm), its configuration applied, a schedule spanning the top rung; {@code body}
     * replaces the checkpoint once a body selection chose one (null: the spec's).
     */
    public static OrcaExperimentSpec trial(OrcaExperimentSpec spec, int trial, String body) {
        SearchSpace space = new SearchSpace(spec);
        TrialConfig config = space.config(trial);
        OrcaExperimentSpec t = body != null ? withBody(spec, body) : plain(spec);
        t.mode = switch (spec.mode) {
            case ORCA -> Mode.FINETUNE;
            case ORCA_LAYERNORM -> Mode.FINETUNE_LAYERNORM;
            default -> spec.mode;
        };
        t.finetune.epochs = space.maxEpochs();
        t.finetune.schedule.warmupEpochs = Math.min(t.finetune.schedule.warmupEpochs, t.finetune.epochs);
        return config.applyTo(t);
    }

    /** Candidate {@code index} of a body selection: the experiment with that body. */
    public static OrcaExperimentSpec candidate(OrcaExperimentSpec spec, int index) {
        if (spec.body.candidates == null || index < 0 || index >= spec.body.candidates.size()) {
            throw new IllegalArgumentException("spec.body.candidates has no candidate " + index);
        }
        return withBody(spec, spec.body.candidates.get(index));
    }

    /**
     * Run {@code index} of the paired comparison ({@link Comparisons#runs}): the experiment in that run's mode and seed,
     * its comparison removed (one trainer process, one run).
     */
    public static OrcaExperimentSpec comparison(OrcaExperimentSpec spec, int index) {
        java.util.List<Comparisons.Run> runs = Comparisons.runs(spec);
        if (index < 0 || index >= runs.size()) {
            throw new IllegalArgumentException("spec.compare has no run " + index + " (it has " + runs.size() + ")");
        }
        OrcaExperimentSpec c = plain(spec);
        c.mode = runs.get(index).mode();
        c.seed = runs.get(index).seed();
        return c;
    }

    /** The experiment itself once selection and search are decided ({@code body} / {@code trial} null when not). */
    public static OrcaExperimentSpec resolved(OrcaExperimentSpec spec, String body, Integer trial) {
        OrcaExperimentSpec r = body != null ? withBody(spec, body) : plain(spec);
        if (trial != null) {
            new SearchSpace(spec).config(trial).applyTo(r);
        }
        return r;
    }

    private static OrcaExperimentSpec withBody(OrcaExperimentSpec spec, String body) {
        OrcaExperimentSpec s = plain(spec);
        s.body.checkpoint = body;
        return s;
    }

    /** A copy with the search, the candidates and the comparison removed: what one trainer process runs. */
    private static OrcaExperimentSpec plain(OrcaExperimentSpec spec) {
        OrcaExperimentSpec s = copy(spec);
        s.search = null;
        s.body.candidates = null;
        s.compare = null;
        return s;
    }
}
