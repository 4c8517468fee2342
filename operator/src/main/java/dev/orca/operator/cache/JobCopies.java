package dev.orca.operator.cache;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;

/**
 * The Jobs' informers (the run, trials, candidates, comparison runs) keep metadata, {@code spec.suspend} and status:
 * the operator reads a Job's conditions, counts, times and whether it is suspended, and matches and updates only its
 * suspension (read back from the server when it changes it). The pod template, the bulk of a Job (the container with
 * its arguments, environment, volumes and security context), is never read back.
 */
public class JobCopies extends ReadOnlyCopies<Job> {
    public JobCopies() {
        super(Job.class, JobCopies::withoutPodTemplate);
    }

    /** A new Job with {@code job}'s metadata (without managedFields), suspension and status; {@code job} is not changed. */
    public static Job withoutPodTemplate(Job job) {
        Job kept = MetadataCopies.metadataOnly(job, Job::new);
        if (job.getSpec() != null) {
            JobSpec spec = new JobSpec();
            spec.setSuspend(job.getSpec().getSuspend());
            kept.setSpec(spec);
        }
        kept.setStatus(job.getStatus());
        return kept;
    }
}
