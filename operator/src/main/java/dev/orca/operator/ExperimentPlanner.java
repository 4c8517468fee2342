package dev.orca.operator;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.ProgressReport;
import dev.orca.crd.TrainerStage;
import dev.orca.operator.dependent.Names;
import dev.orca.search.Asha;
import dev.orca.search.BodySelection;
import dev.orca.search.SearchSpace;
import dev.orca.search.TrialConfig;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Body selection and ASHA search as a pure step: from the status written last time, the candidate and trial Jobs
 * seen now and the trainers' progress reports, the next {@link ExperimentPlan}. No API calls. The status is the
 * record of every decision; what a crash may have lost between creating a Job and writing the status is recovered
 * from the Jobs themselves (their names and labels say which trial and rung, and trial i's configuration is a
 * function of the spec and i), so a restarted operator neither loses a result nor starts a trial twice.
 */
public final class ExperimentPlanner {
    /** How long a finished Job may wait for its final progress report (informer events can arrive out of order). */
    static final Duration REPORT_GRACE = Duration.ofMinutes(2);
    static final String RUNNING = Asha.RUNNING;
    static final String SUCCEEDED = "Succeeded";
    static final String FAILED = Asha.FAILED;

    private ExperimentPlanner() {}

    /**
     * @param jobs    the experiment's candidate and trial Jobs, by name
     * @param reports the progress ConfigMap's reports, by key
     */
    public static ExperimentPlan plan(OrcaExperiment experiment, OrcaExperimentStatus previous, Map<String, Job> jobs,
                                      Map<String, ProgressReport> reports, Instant now) {
        OrcaExperimentSpec spec = experiment.getSpec();
        if (spec.body.candidates == null && spec.search == null) {
            return ExperimentPlan.direct();
        }
        OrcaExperimentStatus.Selection selection = null;
        List<Integer> candidateJobs = List.of();
        String body = null;
        if (spec.body.candidates != null) {
            selection = select(experiment, previous == null ? null : previous.selection, jobs, reports, now);
            candidateJobs = running(selection);
            if (selection.chosen == null) {
                boolean failed = candidateJobs.isEmpty();
                return new ExperimentPlan(selection, null, candidateJobs, List.of(), null, null, false,
                        failed ? "body selection failed: " + selection.message : null);
            }
            body = selection.chosen;
        }
        if (spec.search == null) {
            return new ExperimentPlan(selection, null, List.of(), List.of(), body, null, true, null);
        }
        SearchStep step = search(experiment, previous == null ? null : previous.search, jobs, reports, now);
        boolean decided = SUCCEEDED.equals(step.status.state);
        String failure = FAILED.equals(step.status.state) ? "search failed: " + step.status.message : null;
        return new ExperimentPlan(selection, step.status, List.of(), step.running, body, decided ? step.status.best : null, decided,
                failure);
    }

    // ---------------------------------------------------------------- body selection

    private static OrcaExperimentStatus.Selection select(OrcaExperiment e, OrcaExperimentStatus.Selection before, Map<String, Job> jobs,
                                                         Map<String, ProgressReport> reports, Instant now) {
        if (before != null && before.chosen != null) {
            return before; // decided: never revisited
        }
        List<String> bodies = e.getSpec().body.candidates;
        OrcaExperimentStatus.Selection s = new OrcaExperimentStatus.Selection();
        for (int i = 0; i < bodies.size(); i++) {
            OrcaExperimentStatus.Candidate was = before != null && i < before.candidates.size() ? before.candidates.get(i) : null;
            if (was != null && (SUCCEEDED.equals(was.state) || FAILED.equals(was.state))) {
                s.candidates.add(was);
                continue;
            }
            OrcaExperimentStatus.Candidate c = new OrcaExperimentStatus.Candidate();
            c.body = bodies.get(i);
            c.jobName = Names.candidateJob(e, i);
            c.state = RUNNING;
            ProgressReport report = reports.get(ProgressReport.candidateKey(i));
            Double latest = report == null || report.otddCurve() == null || report.otddCurve().isEmpty() ? null
                    : report.otddCurve().get(report.otddCurve().size() - 1);
            c.otdd = latest;
            Job job = jobs.get(c.jobName);
            if (ExperimentStatusBuilder.jobCondition(job, "Failed").isPresent()) {
                c.state = FAILED;
                c.message = failureMessage(job, report);
            } else if (ExperimentStatusBuilder.jobCondition(job, "Complete").isPresent()) {
                if (report != null && report.trainerStage() == TrainerStage.SUCCEEDED && latest != null) {
                    c.state = SUCCEEDED;
                } else if (graceOver(job, now)) {
                    c.state = FAILED;
                    c.message = "the alignment Job finished without reporting its final distance";
                }
            }
            s.candidates.add(c);
        }
        if (s.candidates.stream().noneMatch(c -> RUNNING.equals(c.state))) {
            List<Double> finals = s.candidates.stream().map(c -> SUCCEEDED.equals(c.state) ? c.otdd : null).toList();
            Optional<Integer> chosen = BodySelection.choose(finals);
            String summary = s.candidates.stream().map(c -> c.body + " " + (SUCCEEDED.equals(c.state)
                    ? String.format(Locale.ROOT, "%.4g", c.otdd) : "failed")).collect(Collectors.joining(", "));
            if (chosen.isPresent()) {
                s.chosen = s.candidates.get(chosen.get()).body;
                s.message = "smallest final alignment distance: " + summary;
            } else {
                s.message = "no candidate finished its alignment (" + summary + ")";
            }
        } else {
            s.message = s.candidates.stream().filter(c -> !RUNNING.equals(c.state)).count() + "/" + s.candidates.size()
                    + " candidates aligned";
        }
        return s;
    }

    private static List<Integer> running(OrcaExperimentStatus.Selection s) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < s.candidates.size(); i++) {
            if (RUNNING.equals(s.candidates.get(i).state)) {
                out.add(i);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- search

    private record SearchStep(OrcaExperimentStatus.Search status, List<Asha.Job> running) {}

    private static SearchStep search(OrcaExperiment e, OrcaExperimentStatus.Search before, Map<String, Job> jobs,
                                     Map<String, ProgressReport> reports, Instant now) {
        if (before != null && (SUCCEEDED.equals(before.state) || FAILED.equals(before.state))) {
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
                    case RUNNING -> Asha.State.RUNNING;
                    case FAILED -> Asha.State.FAILED;
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
            if (ExperimentStatusBuilder.jobCondition(job, "Failed").isPresent()) {
                table.set(i, new Asha.Trial(t.id(), t.rung(), Asha.State.FAILED, t.results()));
                // One line per trial: 200 of them must leave the status far below etcd's object limit.
                messages.put(t.id(), ProgressReport.clip(failureMessage(job, report), TRIAL_MESSAGE_CHARS));
            } else if (ExperimentStatusBuilder.jobCondition(job, "Complete").isPresent()) {
                Double figure = report == null || report.validationCurve() == null || report.validationCurve().size() < epochs
                        ? null : report.validationCurve().get(epochs - 1);
                if (figure != null) {
                    List<Double> results = new ArrayList<>(t.results());
                    results.add(figure);
                    table.set(i, Asha.Trial.waiting(t.id(), results));
                } else if (graceOver(job, now)) {
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
                s.state = SUCCEEDED;
                s.best = best.get().id();
                s.message = String.format(Locale.ROOT, "best: trial %d (%s), validation %.4g at rung %d; %d trials, %d failed",
                        s.best, space.config(s.best), best.get().results().get(best.get().results().size() - 1),
                        best.get().results().size() - 1, table.size(), failed);
            } else {
                s.state = FAILED;
                s.message = "every trial failed (" + table.size() + "); first: " + messages.values().stream().findFirst().orElse("?");
            }
        } else {
            s.state = RUNNING;
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

    // ---------------------------------------------------------------- Jobs

    private static boolean graceOver(Job job, Instant now) {
        String done = job.getStatus().getCompletionTime();
        try {
            return done == null || Instant.parse(done).plus(REPORT_GRACE).isBefore(now);
        } catch (java.time.format.DateTimeParseException e) {
            return true;
        }
    }

    static final int TRIAL_MESSAGE_CHARS = 256;

    private static String failureMessage(Job job, ProgressReport report) {
        if (report != null && report.trainerStage() == TrainerStage.FAILED && report.message() != null) {
            return report.message(); // bounded by ProgressReport.sanitized
        }
        return ExperimentStatusBuilder.jobCondition(job, "Failed").map(JobCondition::getMessage)
                .filter(m -> m != null && !m.isBlank()).map(m -> ProgressReport.clip(m, ProgressReport.MAX_MESSAGE_CHARS))
                .orElse("the Job failed");
    }
}
