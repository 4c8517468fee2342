package dev.orca.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.OrcaExperimentStatus.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusSummariesTest {

    @Test
    void figuresHaveFourSignificantDigits() {
        assertEquals("86.94", StatusSummaries.significant(86.93648637135824));
        assertEquals("100.3", StatusSummaries.significant(100.34));
        assertEquals("0.3800", StatusSummaries.significant(0.38));
        assertEquals("1.235e+06", StatusSummaries.significant(1_234_567));
        assertEquals("1.235e-05", StatusSummaries.significant(0.000012345));
    }

    @Test
    void durationsShowTheTwoLargestUnits() {
        assertEquals("45s", StatusSummaries.duration(45));
        assertEquals("4m10s", StatusSummaries.duration(250));
        assertEquals("2h05m", StatusSummaries.duration(2 * 3600 + 5 * 60 + 59));
        assertEquals("3d04h", StatusSummaries.duration(3 * 86400 + 4 * 3600 + 1));
    }

    @Test
    void aRunningExperimentReadsAtAGlance() {
        OrcaExperimentStatus s = new OrcaExperimentStatus();
        s.phase = Phase.FineTuning;
        s.otdd = new OrcaExperimentStatus.Otdd();
        s.otdd.initial = 100.34;
        s.otdd.current = 86.93648637135824;
        s.otdd.curve = List.of(100.34, 90.0, 86.93648637135824);
        s.metric = new OrcaExperimentStatus.MetricValue();
        s.metric.name = "zeroOneError";
        s.metric.value = 0.41;
        s.metric.split = "validation";
        s.progress = new OrcaExperimentStatus.Progress();
        s.progress.percent = 45;
        s.progress.etaSeconds = 250L;
        StatusSummaries.summarized(s);
        assertEquals("100.3 -> 86.94", s.otdd.summary);
        assertEquals("zeroOneError 0.4100 (validation)", s.metric.summary);
        assertEquals("45% eta 4m10s", s.progress.summary);

        s.phase = Phase.Succeeded;
        s.progress.percent = 100;
        s.progress.etaSeconds = 0L;
        assertEquals("100%", StatusSummaries.summarized(s).progress.summary);
    }

    @Test
    void partialFiguresSayOnlyWhatIsKnown() {
        OrcaExperimentStatus.Otdd first = new OrcaExperimentStatus.Otdd();
        first.initial = 38.337;
        first.current = 38.337;
        first.curve = List.of(38.337);
        assertEquals("38.34", StatusSummaries.otdd(first));
        OrcaExperimentStatus.Progress trials = new OrcaExperimentStatus.Progress();
        trials.epoch = 3;
        trials.epochs = 8;
        assertEquals("3/8", StatusSummaries.progress(trials, false));
        OrcaExperimentStatus.MetricValue none = new OrcaExperimentStatus.MetricValue();
        none.name = "zeroOneError";
        assertNull(StatusSummaries.metric(none));
    }
}
