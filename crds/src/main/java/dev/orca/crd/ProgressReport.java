package dev.orca.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The trainer → operator progress channel: the experiment's run writes this record as JSON under {@link #KEY} of
 * {@code <experiment>-progress}; each search trial and body-selection candidate writes under its own key in a
 * ConfigMap of its own. Each writer's ServiceAccount may get and update its own ConfigMap only (a Role with
 * resourceNames), so no trial can write another's figures; the operator reads each report from its writer's
 * ConfigMap only, treats it as untrusted ({@link #sanitized()}), and alone writes the experiment's status. Unknown
 * fields are ignored so that trainer and operator can be upgraded apart.
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
    /** The key this run writes under: {@link #KEY} for the experiment's own run, {@link #trialKey}, {@link #candidateKey} or {@link #comparisonKey}. */
    public static final String ENV_KEY = "ORCA_PROGRESS_KEY";

    /** Longest report value the operator parses: a genuine one is a few KiB (a 200-epoch validation curve is about 5). */
    public static final int MAX_JSON_CHARS = 64 * 1024;
    /** Longest name (metric) and message kept from a report. */
    public static final int MAX_NAME_CHARS = 64;
    public static final int MAX_MESSAGE_CHARS = 1024;
    /** Longest curve kept: epochs are capped far below this by the CRD. */
    public static final int MAX_CURVE_POINTS = 10_000;

    /**
     * This report as the operator may use it: the channel is written by the trainer pods, which run user code, so
     * nothing in it is trusted. An unknown stage becomes null, numbers must be finite (non-negative where they count),
     * strings and curves are cut to bounds, and curve entries that are not finite become null (a curve's index is its
     * epoch, so entries are not dropped); the OTDD curve, a display series, keeps its finite points only.
     */
    /** The stage this report names; null when it names none (a sanitized report has no other kind). */
    public TrainerStage trainerStage() {
        return TrainerStage.of(stage).orElse(null);
    }

    public ProgressReport sanitized() {
        return new ProgressReport(TrainerStage.of(stage).map(TrainerStage::wireName).orElse(null), count(epoch), count(epochs), count(alignEpochs),
                count(tuneEpochs), finite(loss), finitePoints(otddCurve), clip(metric, MAX_NAME_CHARS), finite(metricValue),
                "validation".equals(split) || "test".equals(split) ? split : null, finite(validation),
                etaSeconds == null || etaSeconds < 0 ? null : etaSeconds, clip(message, MAX_MESSAGE_CHARS), sequence,
                perEpoch(validationCurve));
    }

    /** {@code text} cut to {@code max} characters (an ellipsis marks the cut); null stays null. */
    public static String clip(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        return text.substring(0, max - 1) + "\u2026";
    }

    private static Integer count(Integer n) {
        return n == null || n < 0 || n > MAX_CURVE_POINTS ? null : n;
    }

    private static Double finite(Double d) {
        return d == null || !Double.isFinite(d) ? null : d;
    }

    private static List<Double> finitePoints(List<Double> curve) {
        if (curve == null) {
            return null;
        }
        return curve.stream().limit(MAX_CURVE_POINTS).filter(d -> d != null && Double.isFinite(d)).toList();
    }

    private static List<Double> perEpoch(List<Double> curve) {
        if (curve == null) {
            return null;
        }
        java.util.ArrayList<Double> out = new java.util.ArrayList<>(Math.min(curve.size(), MAX_CURVE_POINTS));
        curve.stream().limit(MAX_CURVE_POINTS).forEach(d -> out.add(finite(d)));
        return java.util.Collections.unmodifiableList(out);
    }

    public static String trialKey(int trial) {
        return "trial-" + trial + ".json";
    }

    public static String candidateKey(int candidate) {
        return "body-" + candidate + ".json";
    }

    public static String comparisonKey(int run) {
        return "compare-" + run + ".json";
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
