package dev.orca.operator.plan;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.ProgressReport;
import dev.orca.crd.TrainerStage;
import dev.orca.search.BodySelection;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Body selection as a pure step: each candidate's alignment Job and its reported final distance, then, once none
 * runs, the candidate whose alignment ended closest to the proxy source. A decided selection is never revisited.
 */
final class BodySelectionPlanner {
    private BodySelectionPlanner() {}

    static OrcaExperimentStatus.Selection select(OrcaExperiment e, OrcaExperimentStatus.Selection before, Map<String, Job> jobs,
                                                         Map<String, ProgressReport> reports, Instant now) {
        if (before != null && before.chosen != null) {
            return before; // decided: never revisited
        }
        List<String> bodies = e.getSpec().body.candidates;
        OrcaExperimentStatus.Selection s = new OrcaExperimentStatus.Selection();
        for (int i = 0; i < bodies.size(); i++) {
            OrcaExperimentStatus.Candidate was = before != null && i < before.candidates.size() ? before.candidates.get(i) : null;
            if (was != null && (JobStates.SUCCEEDED.equals(was.state) || JobStates.FAILED.equals(was.state))) {
                s.candidates.add(was);
                continue;
            }
            OrcaExperimentStatus.Candidate c = new OrcaExperimentStatus.Candidate();
            c.body = bodies.get(i);
            c.jobName = Names.candidateJob(e, i);
            c.state = JobStates.RUNNING;
            ProgressReport report = reports.get(ProgressReport.candidateKey(i));
            Double latest = report == null || report.otddCurve() == null || report.otddCurve().isEmpty() ? null
                    : report.otddCurve().get(report.otddCurve().size() - 1);
            c.otdd = latest;
            Job job = jobs.get(c.jobName);
            if (JobStates.failed(job)) {
                c.state = JobStates.FAILED;
                c.message = JobStates.failureMessage(job, report);
            } else if (JobStates.complete(job)) {
                if (report != null && report.trainerStage() == TrainerStage.SUCCEEDED && latest != null) {
                    c.state = JobStates.SUCCEEDED;
                } else if (JobStates.reportGraceOver(job, now)) {
                    c.state = JobStates.FAILED;
                    c.message = "the alignment Job finished without reporting its final distance";
                }
            }
            s.candidates.add(c);
        }
        if (s.candidates.stream().noneMatch(c -> JobStates.RUNNING.equals(c.state))) {
            List<Double> finals = s.candidates.stream().map(c -> JobStates.SUCCEEDED.equals(c.state) ? c.otdd : null).toList();
            Optional<Integer> chosen = BodySelection.choose(finals);
            String summary = s.candidates.stream().map(c -> c.body + " " + (JobStates.SUCCEEDED.equals(c.state)
                    ? String.format(Locale.ROOT, "%.4g", c.otdd) : "failed")).collect(Collectors.joining(", "));
            if (chosen.isPresent()) {
                s.chosen = s.candidates.get(chosen.get()).body;
                s.message = "smallest final alignment distance: " + summary;
            } else {
                s.message = "no candidate finished its alignment (" + summary + ")";
            }
        } else {
            s.message = s.candidates.stream().filter(c -> !JobStates.RUNNING.equals(c.state)).count() + "/" + s.candidates.size()
                    + " candidates aligned";
        }
        return s;
    }

    static List<Integer> running(OrcaExperimentStatus.Selection s) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < s.candidates.size(); i++) {
            if (JobStates.RUNNING.equals(s.candidates.get(i).state)) {
                out.add(i);
            }
        }
        return out;
    }
}
