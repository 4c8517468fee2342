package dev.orca.trainer.progress;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.orca.crd.TrainerStage;

/**
 * One report of a run's progress; every sink (terminal, JSON lines, the operator's channel) receives the
 * same events. Absent values are null.
 *
 * @param time        epoch milliseconds
 * @param stage       what the run is doing
 * @param epoch       1-based epoch within the stage
 * @param epochs      epochs of the stage
 * @param step        optimizer steps so far within the stage
 * @param loss        latest training loss (task loss or alignment distance)
 * @param otdd        latest alignment distance (stage 2)
 * @param metric      task metric name (e.g. zeroOneError)
 * @param metricValue its latest value
 * @param split       where the metric was measured (validation or test)
 * @param etaSeconds  estimated seconds until the run ends
 * @param message     free text (errors, notes)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProgressEvent(long time, TrainerStage stage, Integer epoch, Integer epochs, Long step, Double loss, Double otdd,
                            String metric, Double metricValue, String split, Long etaSeconds, String message) {

    /** Stages of an ORCA run, in order. */

    public static ProgressEvent of(TrainerStage stage, String message) {
        return new ProgressEvent(System.currentTimeMillis(), stage, null, null, null, null, null, null, null, null, null, message);
    }

    public static ProgressEvent epoch(TrainerStage stage, int epoch, int epochs, long step, double loss, Double otdd, Long eta) {
        return new ProgressEvent(System.currentTimeMillis(), stage, epoch, epochs, step, loss, otdd, null, null, null, eta, null);
    }

    public ProgressEvent withMetric(String name, double value, String measuredOn) {
        return new ProgressEvent(time, stage, epoch, epochs, step, loss, otdd, name, value, measuredOn, etaSeconds, message);
    }
}
