package dev.orca.trainer.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultsViewTest {
    @Test
    void aSparklineSpansTheCurvesOwnRange() {
        assertEquals("█▅▁", ResultsView.sparkline(List.of(10.0, 5.5, 1.0)));
        assertEquals("▁▁▁", ResultsView.sparkline(List.of(2.0, 2.0, 2.0)), "a flat curve is a flat line");
        assertEquals("█ ▁", ResultsView.sparkline(java.util.Arrays.asList(3.0, Double.NaN, 1.0)), "a missing value is a gap");
    }

    @Test
    void aFinishedExperimentShowsItsFiguresGapsAndFiles() {
        OrcaExperiment e = new OrcaExperiment();
        e.getMetadata().setNamespace("ml");
        e.getMetadata().setName("listops");
        e.setSpec(new OrcaExperimentSpec());
        e.getSpec().mode = OrcaExperimentSpec.Mode.ORCA;
        e.getSpec().body.checkpoint = "bundled:all-minilm-l6-v2";
        OrcaExperimentStatus s = new OrcaExperimentStatus();
        s.phase = OrcaExperimentStatus.Phase.Succeeded;
        s.otdd = new OrcaExperimentStatus.Otdd();
        s.otdd.curve = List.of(86.93648637135824, 40.0, 10.399);
        s.metric = new OrcaExperimentStatus.MetricValue();
        s.metric.name = "zeroOneError";
        s.metric.value = 0.72916666;
        s.metric.split = "test";
        s.metric.validation = 0.7;
        s.comparison = new OrcaExperimentStatus.Comparison();
        var gap = new OrcaExperimentStatus.Gap();
        gap.mode = "finetune";
        gap.seeds = 3;
        gap.mean = -0.0123;
        gap.low = -0.02;
        gap.high = 0.001;
        gap.verdict = "unresolved";
        s.comparison.gaps = List.of(gap);
        s.results = "pvc://orca-data/listops";
        e.setStatus(s);

        String text = ResultsView.render(e);
        assertTrue(text.startsWith("ml/listops: Succeeded"), text);
        assertTrue(text.contains("orca on bundled:all-minilm-l6-v2, seed 0"), text);
        assertTrue(text.contains("█▄▁  86.94 -> 10.4 (3 epochs shown)"), "four significant figures: " + text);
        assertTrue(text.contains("zeroOneError = 0.7292 (test), validation 0.7"), text);
        assertTrue(text.contains("orca - finetune over 3 seeds: -0.0123 [-0.02, +0.001], unresolved"), text);
        assertTrue(text.contains("pvc://orca-data/listops"), text);
    }
}
