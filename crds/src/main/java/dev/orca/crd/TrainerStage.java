package dev.orca.crd;

import java.util.Arrays;
import java.util.Optional;

/**
 * The stages a trainer goes through and reports on its progress channel, as both sides name them: the trainer emits
 * them, the operator turns them into phases, and a rename is a compile error on both sides rather than a status that
 * silently stops moving.
 */
public enum TrainerStage {
    PREPARING("preparing"),
    ALIGNING("aligning"),
    FINE_TUNING("fine-tuning"),
    EVALUATING("evaluating"),
    SUCCEEDED("succeeded"),
    FAILED("failed");

    private final String wireName;

    TrainerStage(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the progress channel and in {@code status.stage}. */
    public String wireName() {
        return wireName;
    }

    /** The run is over, one way or the other. */
    public boolean finished() {
        return this == SUCCEEDED || this == FAILED;
    }

    /** The stage a report names; empty for null or a name that is not one (reports are untrusted input). */
    public static Optional<TrainerStage> of(String wireName) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(wireName)).findFirst();
    }
}
