package dev.orca.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The trainer → operator progress channel: the trainer keeps one ConfigMap per experiment,
 * {@code <experiment>-progress}, whose {@link #KEY} holds this record as JSON. The trainer's ServiceAccount may
 * get and update that one ConfigMap only (a Role with resourceNames); the operator reads it and alone writes
 * the experiment's status. Unknown fields are ignored so that trainer and operator can be upgraded apart.
 *
 * @param stage       preparing, aligning, fine-tuning, evaluating, succeeded or failed
 * @param epoch       1-based epoch within the stage
 * @param epochs      epochs of the stage
 * @param alignEpochs alignment epochs of the whole run (0 when the mode does not align), for overall progress
 * @param tuneEpochs  fine-tuning epochs of the whole run
 * @param loss        latest training loss
 * @param otddCurve   the alignment distance per epoch so far, thinned to a bounded length
 * @param metric      task metric name
 * @param metricValue its latest value
 * @param split       validation or test
 * @param validation  the validation figure once finished
 * @param etaSeconds  estimated seconds until the run ends
 * @param message     why it failed, or a note
 * @param sequence    increases with every report, so that a reader can tell a new one from a repeated one
 * @param validationCurve the validation metric after each fine-tuning epoch (index epoch - 1; null where not measured
 *                    by this process), reported by search trials
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProgressReport(String stage, Integer epoch, Integer epochs, Integer alignEpochs, Integer tuneEpochs, Double loss,
                             List<Double> otddCurve, String metric, Double metricValue, String split, Double validation,
                             Long etaSeconds, String message, long sequence,
                             List<Double> validationCurve) {

    public static final String KEY = "progress.json";
    public static final String CONFIG_MAP_SUFFIX = "-progress";
    /** Environment of the trainer pod naming the ConfigMap and its namespace. */
    public static final String ENV_CONFIG_MAP = "ORCA_PROGRESS_CONFIGMAP";
    public static final String ENV_NAMESPACE = "ORCA_NAMESPACE";
    /**
     * The key this run writes under: {@link #KEY} for the experiment's own run; search trials and body-selection
     * alignments share the ConfigMap (and the trainer Role's single resourceName) under keys of their own.
     */
    public static final String ENV_KEY = "ORCA_PROGRESS_KEY";

    public static String trialKey(int trial) {
        return "trial-" + trial + ".json";
    }

    public static String candidateKey(int candidate) {
        return "body-" + candidate + ".json";
    }

    public static String configMapName(String experiment) {
        return experiment + CONFIG_MAP_SUFFIX;
    }

    /** Puts {@code value} at 1-based {@code epoch} of a per-epoch curve, padding epochs not measured with null. */
    public static void putEpoch(List<Double> curve, int epoch, Double value) {
        while (curve.size() < epoch) {
            curve.add(null);
        }
        curve.set(epoch - 1, value);
    }

    /** At most {@code points} values: the first, the latest and evenly spaced ones between. */
    public static List<Double> thin(List<Double> curve, int points) {
        if (curve.size() <= points) {
            return List.copyOf(curve);
        }
        java.util.ArrayList<Double> out = new java.util.ArrayList<>(points);
        for (int i = 0; i < points; i++) {
            out.add(curve.get((int) Math.round((double) i * (curve.size() - 1) / (points - 1))));
        }
        return out;
    }
}
