package dev.orca.operator.plan;

import dev.orca.crd.ProgressReport;
import dev.orca.crd.TrainerStage;
import dev.orca.search.Asha;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a trainer Job's status says, for the planners and the status builder alike, and the states a candidate or trial
 * has in {@code status}.
 */
public final class JobStates {
    private JobStates() {}

    /** A candidate's or trial's state in the status. */
    public static final String RUNNING = Asha.RUNNING;
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = Asha.FAILED;

    /** How long a finished Job may wait for its final progress report (informer events can arrive out of order). */
    public static final Duration REPORT_GRACE = Duration.ofMinutes(2);
    /** One line per trial: 200 of them must leave the status far below etcd's object limit. */
    static final int TRIAL_MESSAGE_CHARS = 256;

    /** The Job's condition of {@code type} when it holds (Complete, Failed); empty for no Job or no such condition. */
    public static Optional<JobCondition> condition(Job job, String type) {
        if (job == null || job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream().filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
    }

    public static boolean failed(Job job) {
        return condition(job, "Failed").isPresent();
    }

    public static boolean complete(Job job) {
        return condition(job, "Complete").isPresent();
    }

    /** The Job finished more than {@link #REPORT_GRACE} ago (or when is unknown): its report will not come any more. */
    static boolean reportGraceOver(Job job, Instant now) {
        String done = job.getStatus().getCompletionTime();
        try {
            return done == null || Instant.parse(done).plus(REPORT_GRACE).isBefore(now);
        } catch (java.time.format.DateTimeParseException e) {
            return true;
        }
    }

    /** Why a Job failed: the trainer's own last word when it reported one, else the Job's condition. */
    static String failureMessage(Job job, ProgressReport report) {
        if (report != null && report.trainerStage() == TrainerStage.FAILED && report.message() != null) {
            return report.message(); // bounded by ProgressReport.sanitized
        }
        return condition(job, "Failed").map(JobCondition::getMessage)
                .filter(m -> m != null && !m.isBlank()).map(m -> ProgressReport.clip(m, ProgressReport.MAX_MESSAGE_CHARS))
                .orElse("the Job failed");
    }
}
