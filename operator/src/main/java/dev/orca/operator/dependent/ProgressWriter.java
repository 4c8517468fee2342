package dev.orca.operator.dependent;

import dev.orca.operator.plan.Names;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.ProgressReport;
import dev.orca.operator.plan.ExperimentPlan;
import dev.orca.search.Comparisons;
import java.util.ArrayList;
import java.util.List;

/**
 * One writer of the progress channel and what it may write: the experiment's own run, a search trial, a
 * body-selection candidate or a run of the paired comparison. Each has its own identity (a ServiceAccount, and a Role naming its own ConfigMap only,
 * bound to it) and its own ConfigMap, so that a trial's pod, which runs user code, cannot write the figures that
 * rank the other trials or choose the body. The operator reads each writer's report from that writer's ConfigMap only.
 *
 * @param id        {@code trainer}, {@code t<i>}, {@code body-<c>} or {@code cmp-<r>}: a label value and a name suffix
 * @param identity  the ServiceAccount, Role and RoleBinding name
 * @param configMap its progress ConfigMap
 * @param key       the key it writes its report under ({@link ProgressReport#ENV_KEY})
 */
public record ProgressWriter(String id, String identity, String configMap, String key) {

    public static final String LABEL = "orca.dev/writer";

    /** The experiment's own run: the names every experiment had before trials had writers of their own. */
    public static ProgressWriter own(OrcaExperiment e) {
        return new ProgressWriter(Names.TRAINER, Names.trainer(e), Names.progress(e), ProgressReport.KEY);
    }

    public static ProgressWriter trial(OrcaExperiment e, int trial) {
        return trial(e.getMetadata().getName(), trial);
    }

    public static ProgressWriter trial(String experiment, int trial) {
        return new ProgressWriter("t" + trial, experiment + "-t" + trial, ProgressReport.configMapName(experiment) + "-t" + trial,
                ProgressReport.trialKey(trial));
    }

    public static ProgressWriter candidate(OrcaExperiment e, int candidate) {
        return candidate(e.getMetadata().getName(), candidate);
    }

    public static ProgressWriter candidate(String experiment, int candidate) {
        return new ProgressWriter("body-" + candidate, experiment + "-body-" + candidate,
                ProgressReport.configMapName(experiment) + "-body-" + candidate, ProgressReport.candidateKey(candidate));
    }

    public static ProgressWriter comparison(OrcaExperiment e, int run) {
        return comparison(e.getMetadata().getName(), run);
    }

    public static ProgressWriter comparison(String experiment, int run) {
        return new ProgressWriter("cmp-" + run, experiment + "-cmp-" + run, ProgressReport.configMapName(experiment) + "-cmp-" + run,
                ProgressReport.comparisonKey(run));
    }

    /**
     * Every writer the experiment can have: its run, each trial of its budget, each candidate, each comparison run. What
     * the operator reads.
     */
    public static List<ProgressWriter> possible(OrcaExperiment e) {
        OrcaExperimentSpec spec = e.getSpec();
        List<ProgressWriter> out = new ArrayList<>();
        out.add(own(e));
        for (int t = 0; spec.search != null && t < spec.search.trials; t++) {
            out.add(trial(e, t));
        }
        for (int c = 0; spec.body != null && spec.body.candidates != null && c < spec.body.candidates.size(); c++) {
            out.add(candidate(e, c));
        }
        Comparisons.runs(spec).forEach(r -> out.add(comparison(e, r.index())));
        return out;
    }

    /**
     * Where the operator looks for the experiment's writers' objects ({@link NamedSecondaries}): every writer it can have,
     * and every trial its status records, should a spec change have lowered the budget below trials already started.
     */
    static List<ProgressWriter> known(OrcaExperiment e) {
        List<ProgressWriter> out = possible(e);
        if (e.getStatus() != null && e.getStatus().search != null && e.getStatus().search.trials != null) {
            java.util.Set<String> ids = new java.util.HashSet<>();
            out.forEach(w -> ids.add(w.id()));
            e.getStatus().search.trials.stream().filter(t -> t.id != null).map(t -> trial(e, t.id))
                    .filter(w -> ids.add(w.id())).forEach(out::add);
        }
        return out;
    }

    /**
     * The writers whose objects exist now: the experiment's run, every trial the search has started (the plan's table
     * grows, never shrinks, so objects are created as trials start and kept with their Jobs), every candidate, every
     * comparison run (they all start at once).
     */
    public static List<ProgressWriter> current(OrcaExperiment e, ExperimentPlan plan) {
        List<ProgressWriter> out = new ArrayList<>();
        out.add(own(e));
        if (plan != null && plan.search() != null) {
            plan.search().trials.forEach(t -> out.add(trial(e, t.id)));
        }
        OrcaExperimentSpec spec = e.getSpec();
        for (int c = 0; spec.body != null && spec.body.candidates != null && c < spec.body.candidates.size(); c++) {
            out.add(candidate(e, c));
        }
        Comparisons.runs(spec).forEach(r -> out.add(comparison(e, r.index())));
        return out;
    }
}
