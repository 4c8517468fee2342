package dev.orca.trainer.tracking;

import dev.orca.crd.TrainerStage;
import dev.orca.trainer.progress.ProgressEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run's progress events are as MLflow metrics, named so that MLflow's UI groups them: {@code align/distance} per
 * alignment epoch, {@code finetune/loss} and {@code finetune/val_<metric>} per fine-tuning epoch, {@code val/<metric>}
 * and {@code test/<metric>} once evaluated, {@code seconds/<stage>} when a stage ends. Pure, and stateful only in when
 * each stage began.
 */
public final class TrackedMetrics {
    private TrainerStage stage;
    private long stageStart;

    public List<MlflowRestClient.Metric> of(ProgressEvent e) {
        List<MlflowRestClient.Metric> out = new ArrayList<>();
        if (stage != e.stage()) {
            if (stage != null) {
                out.add(new MlflowRestClient.Metric("seconds/" + stage.wireName(), (e.time() - stageStart) / 1000.0, e.time(), 0));
            }
            stage = e.stage();
            stageStart = e.time();
        }
        long step = e.epoch() == null ? 0 : e.epoch();
        switch (e.stage()) {
            case ALIGNING -> {
                if (e.epoch() != null) {
                    finite(out, "align/distance", e.otdd(), e.time(), step);
                }
            }
            case FINE_TUNING -> {
                if (e.epoch() != null) {
                    finite(out, "finetune/loss", e.loss(), e.time(), step);
                    if ("validation".equals(e.split()) && e.metric() != null) {
                        finite(out, "finetune/val_" + e.metric(), e.metricValue(), e.time(), step);
                    }
                }
            }
            case EVALUATING, SUCCEEDED -> {
                if (e.metric() != null && e.split() != null) {
                    finite(out, ("test".equals(e.split()) ? "test/" : "val/") + e.metric(), e.metricValue(), e.time(), 0);
                }
            }
            default -> { }
        }
        return out;
    }

    private static void finite(List<MlflowRestClient.Metric> out, String key, Double value, long time, long step) {
        // JSON has no NaN, and MLflow would refuse the batch it sits in.
        if (value != null && Double.isFinite(value)) {
            out.add(new MlflowRestClient.Metric(key, value, time, step));
        }
    }
}
