package dev.orca.operator.plan;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.ProgressReport;
import dev.orca.search.Asha;
import dev.orca.search.SearchSpace;
import dev.orca.search.TrialConfig;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The ASHA search as a pure step: the trial table the status recorded, completed by the trial Jobs that exist (a
 * restarted operator adopts what it created but did not record), each finished rung's validation figure, then ASHA's
 * next promotions and starts up to the parallelism.
 */
final class SearchPlanner {
    private SearchPlanner() {}

    record SearchStep(OrcaExperimentStatus.Search status, List<Asha.Job> running) {}

    static SearchStep search(OrcaExperiment e, OrcaExperimentStatus.Search before, Map<String, Job> jobs,
                                     Map<String, ProgressReport> reports, Instant now) {
        if (before != null && (JobStates.SUCCEEDED.equals(before.state) || JobStates.FAILED.equals(before.state))) {
            return new SearchStep(before, List.of());
        }
        OrcaExperimentSpec spec = e.getSpec();
        SearchSpace space = new SearchSpace(spec);
        Asha asha = space.asha();
        List<Asha.Trial> table = new ArrayList<>();
        Map<Integer, String> messages = new HashMap<>();
        if (before != null) {
            for (OrcaExperimentStatus.Trial t : before.trials) {
                table.add(new Asha.Trial(t.id, t.rung, switch (t.state) {
                    case JobStates.RUNNING -> Asha.State.RUNNING;
                    case JobStates.FAILED -> Asha.State.FAILED;
                    default -> Asha.State.WAITING;
                }, t.results));
                if (t.message != null) {
                    messages.put(t.id, t.message);
                }
            }
        }
        adoptUnrecordedJobs(e, table, jobs, asha);

        // Rungs that finished since the last pass.
        for (int i = 0; i < table.size(); i++) {
            Asha.Trial t = table.get(i);
            if (t.state() != Asha.State.RUNNING) {
                continue;
            }
            Job job = jobs.get(Names.trialJob(e, t.id(), t.rung()));
            ProgressReport report = reports.get(ProgressReport.trialKey(t.id()));
            int epochs = asha.rungs().get(t.rung());
            if (JobStates.failed(job)) {
                table.set(i, new Asha.Trial(t.id(), t.rung(), Asha.State.FAILED, t.results()));
                // One line per trial: 200 of them must leave the status far below etcd's object limit.
                messages.put(t.id(), ProgressReport.clip(JobStates.failureMessage(job, report), JobStates.TRIAL_MESSAGE_CHARS));
            } else if (JobStates.complete(job)) {
                Double figure = report == null || report.validationCurve() == null || report.validationCurve().size() < epochs
                        ? null : report.validationCurve().get(epochs - 1);
                if (figure != null) {
                    List<Double> results = new ArrayList<>(t.results());
                    results.add(figure);
                    table.set(i, Asha.Trial.waiting(t.id(), results));
                } else if (JobStates.reportGraceOver(job, now)) {
                    table.set(i, new Asha.Trial(t.id(), t.rung(), Asha.State.FAILED, t.results()));
                    messages.put(t.id(), "the trial Job finished without a validation figure for epoch " + epochs);
                }
            }
        }

        boolean suspended = spec.runPolicy != null && spec.runPolicy.suspend;
        if (!suspended) {
            table = new ArrayList<>(asha.schedule(table, spec.search.parallelism).table());
        }
        boolean over = asha.finished(table);
        OrcaExperimentStatus.Search s = new OrcaExperimentStatus.Search();
        s.rungs = asha.rungs();
        s.budget = space.budget();
        List<Asha.Job> running = new ArrayList<>();
        for (Asha.Trial t : table) {
            OrcaExperimentStatus.Trial row = new OrcaExperimentStatus.Trial();
            TrialConfig c = space.config(t.id());
            row.id = t.id();
            row.batchSize = c.batchSize();
            row.optimizer = OrcaExperimentSpec.wireName(c.optimizer());
            row.lr = c.lr();
            row.weightDecay = c.weightDecay();
            row.rung = t.rung();
            row.results = new ArrayList<>(t.results());
            row.message = messages.get(t.id());
            row.state = asha.describe(t, over);
            if (t.state() == Asha.State.RUNNING) {
                running.add(new Asha.Job(t.id(), t.rung(), t.rung() > 0));
            }
            s.trials.add(row);
        }
        long failed = table.stream().filter(t -> t.state() == Asha.State.FAILED).count();
        Optional<Asha.Trial> best = asha.best(table);
        if (over) {
            if (best.isPresent()) {
                s.state = JobStates.SUCCEEDED;
                s.best = best.get().id();
                s.message = String.format(Locale.ROOT, "best: trial %d (%s), validation %.4g at rung %d; %d trials, %d failed",
                        s.best, space.config(s.best), best.get().results().get(best.get().results().size() - 1),
                        best.get().results().size() - 1, table.size(), failed);
            } else {
                s.state = JobStates.FAILED;
                s.message = "every trial failed (" + table.size() + "); first: " + messages.values().stream().findFirst().orElse("?");
            }
        } else {
            s.state = JobStates.RUNNING;
            s.best = best.map(Asha.Trial::id).orElse(null);
            s.message = String.format(Locale.ROOT, "%d/%d trials started, %d running, %d failed%s", table.size(), space.budget(),
                    running.size(), failed, suspended ? "; suspended: no new trial starts" : "");
        }
        return new SearchStep(s, running);
    }

    /**
     * Jobs the status does not know of yet (the operator stopped after creating them, before writing the status):
     * a trial's next rung becomes Running at that rung; a Job of a new trial adds it. Trials start in index order,
     * so new ones are appended in that order.
     */
    private static void adoptUnrecordedJobs(OrcaExperiment e, List<Asha.Trial> table, Map<String, Job> jobs, Asha asha) {
        List<int[]> found = new ArrayList<>();
        for (Job job : jobs.values()) {
            Map<String, String> labels = job.getMetadata().getLabels();
            if (labels == null || !Names.TRIAL.equals(labels.get(Names.ROLE_LABEL))) {
                continue;
            }
            try {
                found.add(new int[] {Integer.parseInt(labels.get(Names.TRIAL_LABEL)), Integer.parseInt(labels.get(Names.RUNG_LABEL))});
            } catch (NumberFormatException ignored) {
                // not one of ours
            }
        }
        found.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
        for (int[] f : found) {
            int id = f[0];
            int rung = f[1];
            if (rung >= asha.rungs().size() || id >= asha.budget()) {
                continue;
            }
            if (id == table.size() && rung == 0) {
                table.add(Asha.Trial.running(id, 0, List.of()));
            } else if (id < table.size()) {
                Asha.Trial t = table.get(id);
                if (t.state() == Asha.State.WAITING && t.results().size() == rung) {
                    table.set(id, Asha.Trial.running(id, rung, t.results()));
                }
            }
        }
    }
}
