package dev.orca.trainer.progress;

/** Remaining time from the mean duration of the epochs seen so far in each stage. */
public final class EtaEstimator {

    private double secondsPerEpoch = Double.NaN;
    private long epochsSeen;

    /** Records an epoch that took {@code seconds}. */
    public void epochTook(double seconds) {
        epochsSeen++;
        secondsPerEpoch = epochsSeen == 1 ? seconds : secondsPerEpoch + (seconds - secondsPerEpoch) / epochsSeen;
    }

    /**
     * Seconds left for {@code remainingEpochs} of this stage, plus {@code laterEpochs} of a later stage
     * whose epochs cost {@code laterRatio} times as much (null before any epoch was timed).
     */
    public Long remaining(long remainingEpochs, long laterEpochs, double laterRatio) {
        if (epochsSeen == 0) {
            return null;
        }
        return Math.round(secondsPerEpoch * (remainingEpochs + laterEpochs * laterRatio));
    }
}
