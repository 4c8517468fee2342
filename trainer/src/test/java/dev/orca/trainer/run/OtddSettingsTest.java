package dev.orca.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.trainer.ot.OtddOptions;
import dev.orca.trainer.ot.SinkhornOptions;
import org.junit.jupiter.api.Test;

class OtddSettingsTest {

    @Test
    void anUntouchedSpecAlignsOnMicrosoftOtddsQuantity() {
        assertEquals(OtddOptions.DEFAULT, ExperimentRun.otddOptions(new OrcaExperimentSpec.Alignment()));
    }

    @Test
    void eachNamedVariantReachesTheDistance() {
        OrcaExperimentSpec.Alignment a = new OrcaExperimentSpec.Alignment();
        a.metric = OrcaExperimentSpec.AlignmentMetric.OTDD_GAUSSIAN;
        a.pointCost = OrcaExperimentSpec.OtddPointCost.FULL;
        a.sinkhorn = OrcaExperimentSpec.SinkhornSchedule.CONVERGED;
        a.labelGradient = true;
        a.epsilon = 0.05;
        OtddOptions o = ExperimentRun.otddOptions(a);
        assertEquals(OtddOptions.LabelCost.GAUSSIAN, o.labelCost());
        assertEquals(1.0, o.lambdaX());
        assertEquals(1.0, o.lambdaY());
        assertEquals(SinkhornOptions.Schedule.CONVERGED, o.sinkhorn().schedule());
        assertEquals(0.05, o.sinkhorn().epsilon());
        assertEquals(true, o.labelGradient());
    }
}
