package dev.orca.operator;


import dev.orca.operator.plan.ExperimentPlan;
import dev.orca.operator.plan.JobStates;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.OrcaExperimentStatus.Phase;
import dev.orca.crd.ProgressReport;
import dev.orca.crd.TrainerStage;
import dev.orca.operator.plan.Names;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Computes an experiment's status from an {@link Observation} and the status before it. Pure: no API calls,
 * and a second pass over the same observation yields an equal status (condition transition times are kept
 * while a condition's state holds), so the reconciler writes only when something changed.
 */
public final class ExperimentStatusBuilder {
    public static final String SPEC_VALID = "SpecValid";
    public static final String RUNNING = "Running";
    public static final String READY = "Ready";
    /** True once the experiment succeeded: what {@code kubectl wait --for=condition=Complete} waits for, as for a Job. */
    public static final String COMPLETE = "Complete";
    /** True once the experiment failed for good: {@code kubectl wait --for=condition=Failed}. */
    public static final String FAILED = "Failed";
    /** True while a running trainer has not reported for longer than its bound ({@link StallWatch}): a hung trainer. */
    public static final String STALLED = "Stalled";

    private ExperimentStatusBuilder() {}

    public static OrcaExperimentStatus build(Observation o, OrcaExperimentStatus previous, Instant now) {
        return build(o, previous, now, StallWatch.DEFAULT_FLOOR);
    }

    /** With the shortest silence after which a running trainer counts as stalled. */
    public static OrcaExperimentStatus build(Observation o, OrcaExperimentStatus previous, Instant now, java.time.Duration stallFloor) {
        return StatusSummaries.summarized(withOutcome(observe(o, previous, now, new StallWatch(stallFloor)),
                previous == null ? List.of() : previous.conditions, now.toString()));
    }

    /**
     * Adds {@code Complete} and {@code Failed} (from the phase, with the Ready condition's reason and message, so that
     * a script waiting on either learns why) and stamps every condition with the generation it describes.
     */
    private static OrcaExperimentStatus withOutcome(OrcaExperimentStatus s, List<Condition> before, String time) {
        Condition ready = s.condition(READY).orElseThrow();
        List<Condition> all = new java.util.ArrayList<>(s.conditions);
        if (s.condition(STALLED).isEmpty()) {
            all.add(condition(before, STALLED, false, StallWatch.NOT_RUNNING, "no trainer is running", time));
        }
        all.add(condition(before, COMPLETE, s.phase == Phase.Succeeded, ready.getReason(), ready.getMessage(), time));
        all.add(condition(before, FAILED, s.phase == Phase.Failed, ready.getReason(), ready.getMessage(), time));
        all.forEach(c -> c.setObservedGeneration(s.observedGeneration));
        s.conditions = List.copyOf(all);
        return s;
    }

    private static OrcaExperimentStatus observe(Observation o, OrcaExperimentStatus previous, Instant now, StallWatch watch) {
        OrcaExperiment experiment = o.experiment();
        OrcaExperimentStatus s = new OrcaExperimentStatus();
        s.observedGeneration = experiment.getMetadata().getGeneration();
        List<Condition> before = previous == null ? List.of() : previous.conditions;
        String time = now.toString();

        if (!o.violations().isEmpty()) {
            String why = o.violations().stream().map(Object::toString).collect(Collectors.joining("; "));
            s.phase = Phase.Failed;
            s.completionTime = previous != null && previous.completionTime != null ? previous.completionTime : time;
            s.conditions = List.of(
                    condition(before, SPEC_VALID, false, "InvalidSpec", why, time),
                    condition(before, RUNNING, false, "InvalidSpec", "no trainer is started for an invalid spec", time),
                    condition(before, READY, false, "InvalidSpec", why, time));
            return s;
        }

        OrcaExperimentSpec spec = experiment.getSpec();
        boolean suspended = spec.runPolicy != null && spec.runPolicy.suspend;
        ExperimentPlan plan = o.plan();
        if (plan != null && (plan.failure() != null || !plan.finalRun())) {
            return beforeTheRun(s, experiment, plan, previous, before, suspended, time);
        }
        if (plan != null) {
            s.selection = plan.selection();
            s.search = plan.search();
            s.comparison = plan.comparison();
        }

        Optional<Job> job = o.job();
        Optional<ProgressReport> report = o.progress();
        s.jobName = job.map(j -> j.getMetadata().getName()).orElse(null);
        s.results = results(experiment);
        s.restarts = job.map(j -> j.getStatus() == null || j.getStatus().getFailed() == null ? 0 : j.getStatus().getFailed()).orElse(0);
        s.startTime = job.map(j -> j.getStatus() == null ? null : j.getStatus().getStartTime()).orElse(null);
        // An eviction through the API or a preemption deletes its pod once the Job has counted it: the count of this Job's
        // disruptions keeps what earlier passes saw.
        boolean sameJob = previous != null && previous.disruptions != null && Objects.equals(previous.jobName, s.jobName);
        List<Pod> disrupted = TrainerDisruptions.of(o.pods());
        s.disruptions = job.isPresent() ? Math.max(disrupted.size(), sameJob ? previous.disruptions : 0) : 0;
        report.ifPresent(r -> {
            progressOf(r, s);
            s.progress.reportSequence = r.sequence();
            s.progress.lastUpdateTime = StallWatch.lastUpdate(r, previous, now.toString());
            s.progress.stallAfterSeconds = watch.bound(r).toSeconds();
        });
        if (s.otdd == null && previous != null) {
            // A trainer pod restarted after alignment resumes from its checkpoint and reports no distance curve: the
            // distance the earlier pod measured is still this run's.
            s.otdd = previous.otdd;
        }

        Optional<JobCondition> complete = job.flatMap(j -> JobStates.condition(j, "Complete"));
        Optional<JobCondition> failed = job.flatMap(j -> JobStates.condition(j, "Failed"));
        String reason;
        String message;
        if (complete.isPresent() && plan != null && plan.comparing()) {
            // The experiment's own run is done; it succeeds with its comparison, whose gaps need every run.
            s.phase = Phase.Comparing;
            s.stage = "comparing";
            reason = "Comparing";
            message = (s.metric != null && s.metric.value != null ? StatusSummaries.metric(s.metric) + "; " : "")
                    + "comparison: " + plan.comparison().message;
            OrcaExperimentStatus.Progress p = new OrcaExperimentStatus.Progress();
            p.epoch = (int) plan.comparison().runs.stream().filter(r -> !JobStates.RUNNING.equals(r.state)).count();
            p.epochs = plan.comparison().runs.size();
            p.percent = (int) Math.round(100.0 * p.epoch / p.epochs);
            s.progress = p; // runs finished of the comparison's, as a selection counts its candidates
        } else if (complete.isPresent()) {
            s.phase = Phase.Succeeded;
            s.completionTime = Optional.ofNullable(job.get().getStatus().getCompletionTime()).orElse(time);
            reason = "Succeeded";
            message = (s.metric != null && s.metric.value != null ? StatusSummaries.metric(s.metric) : "the trainer finished")
                    + (s.comparison != null ? "; comparison: " + s.comparison.message : "");
            s.stage = TrainerStage.SUCCEEDED.wireName();
            if (s.progress != null) {
                s.progress.percent = 100;
                s.progress.etaSeconds = 0L;
            }
        } else if (failed.isPresent()) {
            s.phase = Phase.Failed;
            s.completionTime = Optional.ofNullable(failed.get().getLastTransitionTime()).orElse(time);
            // PodFailurePolicy: the trainer exited with TrainerExit.INVALID_INPUT, the one rule that fails the Job at once.
            reason = Optional.ofNullable(failed.get().getReason()).map(r -> r.equals("PodFailurePolicy") ? "InvalidInput" : r)
                    .orElse("JobFailed");
            message = terminationMessage(o.pods()).or(() -> report.map(ProgressReport::message))
                    .orElse(Optional.ofNullable(failed.get().getMessage()).orElse("the trainer Job failed"));
            s.stage = TrainerStage.FAILED.wireName();
        } else if (suspended) {
            s.phase = Phase.Suspended;
            reason = "Suspended";
            message = "spec.runPolicy.suspend is true; the run resumes from its last checkpoint when unsuspended";
        } else if (o.queue().filter(q -> !q.admitted()).isPresent()) {
            // Kueue holds the Job: waiting for quota, or preempted (the run resumes from its checkpoint when readmitted).
            s.phase = Phase.Queued;
            reason = o.queue().get().reason();
            message = o.queue().get().message();
        } else {
            s.phase = report.map(r -> phaseOf(r.trainerStage())).orElse(Phase.Pending);
            reason = s.phase.name();
            message = s.progress != null && s.progress.epoch != null
                    ? s.stage + " epoch " + s.progress.epoch + "/" + s.progress.epochs
                    : job.isPresent() ? "the trainer Job is starting" : "creating the trainer Job";
            if (s.disruptions > 0) {
                message += "; " + s.disruptions + (s.disruptions == 1 ? " trainer pod" : " trainer pods") + " disrupted and replaced"
                        + TrainerDisruptions.latest(disrupted).map(last -> ", the last " + last).orElse("");
            }
        }
        boolean running = !s.phase.finished() && s.phase != Phase.Suspended && s.phase != Phase.Queued && job.isPresent();
        // While the comparison's runs go on, the experiment's own trainer has finished: its silence is not a stall.
        boolean reporting = running && report.isPresent() && s.phase != Phase.Comparing;
        boolean stalled = reporting && StallWatch.stalled(s.progress, now);
        s.conditions = List.of(
                condition(before, SPEC_VALID, true, "Valid", "the spec passed validation", time),
                condition(before, RUNNING, running, reason, message, time),
                condition(before, READY, s.phase == Phase.Succeeded, reason, message, time),
                !reporting ? condition(before, STALLED, false, StallWatch.NOT_RUNNING, running ? "the trainer has not reported yet" : "no trainer is running", time)
                        : condition(before, STALLED, stalled, stalled ? StallWatch.NO_PROGRESS : StallWatch.PROGRESSING, stalled
                                ? "no report from the trainer since " + s.progress.lastUpdateTime + " (allowed: "
                                  + StatusSummaries.duration(s.progress.stallAfterSeconds) + ", three epochs at its pace or the floor)"
                                : "the trainer reports within " + StatusSummaries.duration(s.progress.stallAfterSeconds), time));
        return s;
    }

    /** Body selection or search still deciding (or failed): the experiment's own Job does not exist yet. */
    private static OrcaExperimentStatus beforeTheRun(OrcaExperimentStatus s, OrcaExperiment experiment, ExperimentPlan plan,
                                                     OrcaExperimentStatus previous, List<Condition> before, boolean suspended, String time) {
        s.selection = plan.selection();
        s.search = plan.search();
        s.results = results(experiment);
        s.startTime = previous != null && previous.startTime != null ? previous.startTime : time;
        boolean selecting = plan.selection() != null && plan.selection().chosen == null;
        String reason;
        String message;
        if (plan.failure() != null) {
            s.phase = Phase.Failed;
            s.stage = TrainerStage.FAILED.wireName();
            s.completionTime = previous != null && previous.completionTime != null ? previous.completionTime : time;
            reason = selecting ? "SelectionFailed" : "SearchFailed";
            message = plan.failure();
        } else {
            s.phase = suspended ? Phase.Suspended : selecting ? Phase.Selecting : Phase.Searching;
            s.stage = selecting ? "selecting" : "searching";
            reason = s.phase.name();
            message = selecting ? "body selection: " + plan.selection().message : "search: " + plan.search().message;
            OrcaExperimentStatus.Progress p = new OrcaExperimentStatus.Progress();
            if (selecting) {
                long done = plan.selection().candidates.stream().filter(c -> !JobStates.RUNNING.equals(c.state)).count();
                p.epoch = (int) done;
                p.epochs = plan.selection().candidates.size();
            } else {
                long done = plan.search().trials.stream().filter(t -> !JobStates.RUNNING.equals(t.state)).count();
                p.epoch = (int) done;
                p.epochs = plan.search().budget;
            }
            p.percent = p.epochs == null || p.epochs == 0 ? null : (int) Math.round(100.0 * p.epoch / p.epochs);
            s.progress = p;
        }
        boolean running = plan.failure() == null && !suspended;
        s.conditions = List.of(
                condition(before, SPEC_VALID, true, "Valid", "the spec passed validation", time),
                condition(before, RUNNING, running, reason, message, time),
                condition(before, READY, false, reason, message, time));
        return s;
    }

    private static void progressOf(ProgressReport r, OrcaExperimentStatus s) {
        s.stage = r.stage();
        s.loss = r.loss();
        if (r.otddCurve() != null && !r.otddCurve().isEmpty()) {
            OrcaExperimentStatus.Otdd otdd = new OrcaExperimentStatus.Otdd();
            List<Double> curve = r.otddCurve();
            otdd.initial = curve.get(0);
            otdd.current = curve.get(curve.size() - 1);
            otdd.finalValue = r.trainerStage() == TrainerStage.ALIGNING || r.trainerStage() == TrainerStage.PREPARING ? null : otdd.current;
            otdd.curve = ProgressReport.thin(curve, OrcaExperimentStatus.OTDD_CURVE_POINTS);
            s.otdd = otdd;
        }
        if (r.metric() != null && r.metricValue() != null) {
            OrcaExperimentStatus.MetricValue m = new OrcaExperimentStatus.MetricValue();
            m.name = r.metric();
            m.value = r.metricValue();
            m.split = r.split();
            m.validation = "test".equals(r.split()) ? r.validation() : null;
            s.metric = m;
        }
        OrcaExperimentStatus.Progress p = new OrcaExperimentStatus.Progress();
        p.epoch = r.epoch();
        p.epochs = r.epochs();
        p.etaSeconds = r.etaSeconds();
        int align = r.alignEpochs() == null ? 0 : r.alignEpochs();
        int tune = r.tuneEpochs() == null ? 0 : r.tuneEpochs();
        TrainerStage stage = r.trainerStage();
        int done = stage == null ? 0 : switch (stage) {
            case ALIGNING -> r.epoch() == null ? 0 : r.epoch();
            case FINE_TUNING -> align + (r.epoch() == null ? 0 : r.epoch());
            case EVALUATING, SUCCEEDED -> align + tune;
            case PREPARING, FAILED -> 0;
        };
        p.percent = align + tune == 0 ? null : (int) Math.min(100, Math.round(100.0 * done / (align + tune)));
        s.progress = p;
    }

    private static Phase phaseOf(TrainerStage stage) {
        return stage == null ? Phase.Pending : switch (stage) {
            case ALIGNING -> Phase.Aligning;
            case FINE_TUNING -> Phase.FineTuning;
            // The trainer has finished (or failed one attempt); the Job's own conditions decide the outcome.
            case EVALUATING, SUCCEEDED -> Phase.Evaluating;
            case PREPARING, FAILED -> Phase.Pending;
        };
    }

    /** The newest trainer pod's termination message (the trainer writes why it failed there). */
    static Optional<String> terminationMessage(List<Pod> pods) {
        return pods.stream()
                .sorted(Comparator.comparing((Pod p) -> Objects.toString(p.getMetadata().getCreationTimestamp(), "")).reversed())
                .flatMap(p -> p.getStatus() == null || p.getStatus().getContainerStatuses() == null ? java.util.stream.Stream.empty()
                        : p.getStatus().getContainerStatuses().stream())
                .map(ContainerStatus::getState)
                .filter(st -> st != null && st.getTerminated() != null)
                .flatMap(st -> describe(st.getTerminated()).stream())
                .map(m -> ProgressReport.clip(m, ProgressReport.MAX_MESSAGE_CHARS))
                .findFirst();
    }

    /**
     * What ended a container, in words: its termination message, and the kubelet's reason when it tells more than
     * "Error" — an OOMKilled container usually has no message at all, only the reason and exit code 137.
     */
    static Optional<String> describe(io.fabric8.kubernetes.api.model.ContainerStateTerminated terminated) {
        String message = terminated.getMessage() == null ? "" : terminated.getMessage().strip();
        String reason = terminated.getReason();
        boolean telling = reason != null && !reason.isBlank() && !reason.equals("Error") && !reason.equals("Completed");
        if (!message.isEmpty()) {
            return Optional.of(telling ? reason + ": " + message : message);
        }
        return telling ? Optional.of(reason + " (exit code " + terminated.getExitCode() + ")") : Optional.empty();
    }

    private static String results(OrcaExperiment e) {
        OrcaExperimentSpec.Storage storage = e.getSpec().storage;
        return storage == null || storage.claimName == null ? null : "pvc://" + storage.claimName + "/" + Names.resultsPath(e);
    }

    /**
     * The status after a reconcile failed in a way the experiment's owner must act on (a name collision): the earlier
     * status with its Ready condition saying why; nothing else changes.
     */
    static OrcaExperimentStatus afterFailure(OrcaExperimentStatus previous, String reason, String message, Instant now) {
        OrcaExperimentStatus s = previous == null ? new OrcaExperimentStatus() : previous;
        List<Condition> others = s.conditions.stream().filter(c -> !READY.equals(c.getType())).toList();
        List<Condition> next = new java.util.ArrayList<>(others);
        Condition ready = condition(s.conditions, READY, false, reason, message, now.toString());
        ready.setObservedGeneration(s.observedGeneration);
        next.add(ready);
        s.conditions = next;
        return s;
    }

    /** A metav1.Condition that keeps its transition time while its status holds. */
    private static Condition condition(List<Condition> before, String type, boolean status, String reason, String message, String now) {
        String value = status ? "True" : "False";
        String since = before.stream().filter(c -> type.equals(c.getType()) && value.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime).filter(Objects::nonNull).findFirst().orElse(now);
        return new ConditionBuilder().withType(type).withStatus(value).withReason(reason)
                .withMessage(ProgressReport.clip(message, ProgressReport.MAX_MESSAGE_CHARS))
                .withLastTransitionTime(since).build();
    }
}
