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
        super(Job.class, job -> {
            if (job.getSpec() != null) {
                JobSpec kept = new JobSpec();
                kept.setSuspend(job.getSpec().getSuspend());
                job.setSpec(kept);
            }
            return job;
        });
    }
}
