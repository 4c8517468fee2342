package dev.orca.trainer.progress;

import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.ProgressReport;
import dev.orca.crd.TrainerStage;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds the event stream into the operator channel's {@link ProgressReport}: the latest position, the
 * alignment curve so far (bounded), the validation figure once known. Pure; {@link ConfigMapProgressSink}
 * sends what this produces.
 */
public final class ProgressReports {
    /** The curve kept here is longer than the status shows, so that thinning there still has detail. */
    static final int CURVE_POINTS = 4 * OrcaExperimentStatus.OTDD_CURVE_POINTS;

    private final int alignEpochs;
    private final int tuneEpochs;
    private final List<Double> curve = new ArrayList<>();
    private ProgressReport latest;
    private Double validation;
    private final List<Double> validationCurve = new ArrayList<>();
    private long sequence;

    /** For a run of {@code alignEpochs} alignment (0 when the mode does not align) and {@code tuneEpochs} fine-tuning epochs. */
    public ProgressReports(int alignEpochs, int tuneEpochs) {
        this.alignEpochs = alignEpochs;
        this.tuneEpochs = tuneEpochs;
    }

    /** The report after {@code e}; whether it is worth sending at once is {@link #milestone}'s call. */
    public ProgressReport add(ProgressEvent e) {
        if (e.stage() == TrainerStage.ALIGNING && e.otdd() != null) {
            curve.add(e.otdd());
            if (curve.size() > 2 * CURVE_POINTS) {
                List<Double> thinned = ProgressReport.thin(curve, CURVE_POINTS);
                curve.clear();
                curve.addAll(thinned);
            }
        }
        if ("validation".equals(e.split()) && e.metricValue() != null) {
            validation = e.metricValue();
            if (e.stage() == TrainerStage.FINE_TUNING && e.epoch() != null) {
                ProgressReport.putEpoch(validationCurve, e.epoch(), e.metricValue());
            }
        }
        ProgressReport previous = latest;
        latest = new ProgressReport(e.stage().wireName(), e.epoch(), e.epochs(), alignEpochs, tuneEpochs,
                e.loss() != null ? e.loss() : previous != null ? previous.loss() : null, List.copyOf(curve),
                e.metric() != null ? e.metric() : previous != null ? previous.metric() : null,
                e.metricValue() != null ? e.metricValue() : previous != null ? previous.metricValue() : null,
                e.split() != null ? e.split() : previous != null ? previous.split() : null, validation, e.etaSeconds(), e.message(),
                ++sequence, validationCurve.isEmpty() ? null : java.util.Collections.unmodifiableList(new ArrayList<>(validationCurve)));
        return latest;
    }

    /** Stage changes and the end of a run are sent at once; epochs within a stage may be coalesced. */
    public static boolean milestone(ProgressReport previous, ProgressReport next) {
        return previous == null || !previous.stage().equals(next.stage()) || next.trainerStage().finished();
    }
}
