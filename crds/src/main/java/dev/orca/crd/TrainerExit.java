package dev.orca.crd;

/**
 * The trainer's exit codes, which the operator's Jobs act on: a run that refused its input fails the Job at once
 * (a Pod failure policy), since another attempt reads the same input; any other failure is retried up to the
 * experiment's backoff limit.
 */
public final class TrainerExit {
    private TrainerExit() {}

    public static final int SUCCEEDED = 0;
    /** The run failed (a bug, an engine error, a non-finite loss): another attempt may succeed, from the checkpoint. */
    public static final int FAILED = 1;
    /** The experiment or its data is invalid (a field, a file): the message names it; retrying cannot help. */
    public static final int INVALID_INPUT = 2;
}
