package dev.orca.operator.plan;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.ProgressReport;
import dev.orca.crd.TrainerStage;
import dev.orca.search.Comparisons;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The paired comparison as a pure step: the state and test figure of every run (the experiment's own first, then each
 * comparison Job) from the Jobs and their progress reports, and each compared mode's gap over the seeds on which both
 * modes finished. A finished run's outcome is never revisited.
 */
final class ComparisonPlanner {
    private ComparisonPlanner() {}

    static OrcaExperimentStatus.Comparison compare(OrcaExperiment e, OrcaExperimentStatus.Comparison before, Map<String, Job> jobs,
                                                   Map<String, ProgressReport> reports, Instant now) {
        OrcaExperimentSpec spec = e.getSpec();
        List<Comparisons.Run> runs = Comparisons.runs(spec);
        OrcaExperimentStatus.Comparison c = new OrcaExperimentStatus.Comparison();
        c.runs.add(run(previous(before, 0), spec.mode, spec.seed, Names.trainer(e), jobs, reports.get(ProgressReport.KEY), now));
        for (Comparisons.Run r : runs) {
            c.runs.add(run(previous(before, r.index() + 1), r.mode(), r.seed(), Names.comparisonJob(e, r.index()), jobs,
                    reports.get(ProgressReport.comparisonKey(r.index())), now));
        }
        c.gaps = Comparisons.gapTable(spec, c.runs);
        long done = c.runs.stream().filter(run -> !JobStates.RUNNING.equals(run.state)).count();
        long failed = c.runs.stream().filter(run -> JobStates.FAILED.equals(run.state)).count();
        c.message = done + "/" + c.runs.size() + " runs finished" + (failed > 0 ? " (" + failed + " failed)" : "")
                + (c.gaps.isEmpty() ? "" : "; " + String.join("; ", c.gaps.stream().map(g -> Comparisons.describe(spec, g)).toList()));
        return c;
    }

    /** Indexes (into {@link Comparisons#runs}) of the comparison runs whose Job should exist: those still running. */
    static List<Integer> running(OrcaExperimentStatus.Comparison c) {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i < c.runs.size(); i++) {
            if (JobStates.RUNNING.equals(c.runs.get(i).state)) {
                out.add(i - 1);
            }
        }
        return out;
    }

    private static OrcaExperimentStatus.ComparedRun previous(OrcaExperimentStatus.Comparison before, int i) {
        return before == null || i >= before.runs.size() ? null : before.runs.get(i);
    }

    private static OrcaExperimentStatus.ComparedRun run(OrcaExperimentStatus.ComparedRun was, OrcaExperimentSpec.Mode mode, long seed,
                                                        String jobName, Map<String, Job> jobs, ProgressReport report, Instant now) {
        if (was != null && (JobStates.SUCCEEDED.equals(was.state) || JobStates.FAILED.equals(was.state))) {
            return was;
        }
        OrcaExperimentStatus.ComparedRun r = new OrcaExperimentStatus.ComparedRun();
        r.mode = OrcaExperimentSpec.wireName(mode);
        r.seed = seed;
        r.jobName = jobName;
        r.state = JobStates.RUNNING;
        Job job = jobs.get(jobName);
        boolean tested = report != null && report.trainerStage() == TrainerStage.SUCCEEDED && "test".equals(report.split())
                && report.metricValue() != null;
        if (JobStates.failed(job)) {
            r.state = JobStates.FAILED;
            r.message = JobStates.failureMessage(job, report);
        } else if (JobStates.complete(job)) {
            if (tested) {
                r.state = JobStates.SUCCEEDED;
                r.test = report.metricValue();
            } else if (JobStates.reportGraceOver(job, now)) {
                r.state = JobStates.FAILED;
                r.message = "the Job finished without reporting its test figure";
            }
        }
        return r;
    }
}
