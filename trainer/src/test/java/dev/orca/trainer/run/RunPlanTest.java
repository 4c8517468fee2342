package dev.orca.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.trainer.ot.OtddOptions;
import dev.orca.trainer.ot.SinkhornOptions;
import dev.orca.trainer.train.ParameterUpdater;
import org.junit.jupiter.api.Test;

class RunPlanTest {

    @Test
    void theEmbeddersOptimizerIsFineTuningsAtItsRateOrTenTimesOfficiallyAndTheScheduleDecaysOverTheRun() {
        OrcaExperimentSpec spec = classification();
        spec.finetune.epochs = 7;
        spec.finetune.optimizer = new OrcaExperimentSpec.Optimizer();
        spec.finetune.optimizer.name = OrcaExperimentSpec.OptimizerName.SGD;
        spec.finetune.optimizer.lr = 2e-4;
        spec.finetune.optimizer.weightDecay = 0.05;
        spec.finetune.optimizer.momentum = 0.9;
        RunPlan plan = RunPlan.of(spec);
        assertEquals(ParameterUpdater.Kind.SGD, plan.alignment().optimizer());
        assertEquals(2e-4, plan.alignment().learningRate(), 1e-15);
        assertEquals(0.05, plan.alignment().weightDecay());
        assertEquals(0.9, plan.alignment().momentum());
        assertEquals(ParameterUpdater.Kind.SGD, plan.fineTuning().optimizer());
        assertEquals(2e-4, plan.fineTuning().learningRate());
        assertEquals(7, plan.fineTuning().decayEpochs(), "decayEpochs unset: the decay spans the run");
        spec.finetune.schedule.decayEpochs = 20;
        assertEquals(20, RunPlan.of(spec).fineTuning().decayEpochs());
        spec.alignment.rate = OrcaExperimentSpec.AlignmentRate.OFFICIAL;
        assertEquals(2e-3, RunPlan.of(spec).alignment().learningRate(), 1e-15);
        assertEquals(2e-4, RunPlan.of(spec).fineTuning().learningRate(), "the official rate is the embedder's only");
    }

    @Test
    void anUnsetLossIsTheTaskTypesAndASetOneIsKept() {
        OrcaExperimentSpec spec = classification();
        spec.task.type = OrcaExperimentSpec.TaskType.MULTILABEL;
        assertEquals(OrcaExperimentSpec.Loss.BINARY_CROSS_ENTROPY, RunPlan.of(spec).loss());
        spec.task.type = OrcaExperimentSpec.TaskType.DENSE;
        assertEquals(OrcaExperimentSpec.Loss.MSE, RunPlan.of(spec).loss());
        spec.task.loss = OrcaExperimentSpec.Loss.RELATIVE_L2;
        assertEquals(OrcaExperimentSpec.Loss.RELATIVE_L2, RunPlan.of(spec).loss());
        spec.task.type = OrcaExperimentSpec.TaskType.CLASSIFICATION;
        spec.task.loss = null;
        assertEquals(OrcaExperimentSpec.Loss.CROSS_ENTROPY, RunPlan.of(spec).loss());
    }

    @Test
    void aModeThatDoesNotAlignNamesNoAlignmentMetric() {
        OrcaExperimentSpec spec = classification();
        spec.mode = OrcaExperimentSpec.Mode.FINETUNE;
        assertEquals("none", RunPlan.of(spec).alignmentMetric());
        spec.mode = OrcaExperimentSpec.Mode.ORCA;
        assertEquals("otdd-exact", RunPlan.of(spec).alignmentMetric());
    }


    @Test
    void anUntouchedSpecAlignsOnMicrosoftOtddsQuantity() {
        assertEquals(OtddOptions.DEFAULT, RunPlan.otddOptions(new OrcaExperimentSpec.Alignment()));
    }

    @Test
    void eachNamedVariantReachesTheDistance() {
        OrcaExperimentSpec.Alignment a = new OrcaExperimentSpec.Alignment();
        a.metric = OrcaExperimentSpec.AlignmentMetric.OTDD_GAUSSIAN;
        a.pointCost = OrcaExperimentSpec.OtddPointCost.FULL;
        a.sinkhorn = OrcaExperimentSpec.SinkhornSchedule.CONVERGED;
        a.labelGradient = true;
        a.epsilon = 0.05;
        OtddOptions o = RunPlan.otddOptions(a);
        assertEquals(OtddOptions.LabelCost.GAUSSIAN, o.labelCost());
        assertEquals(1.0, o.lambdaX());
        assertEquals(1.0, o.lambdaY());
        assertEquals(SinkhornOptions.Schedule.CONVERGED, o.sinkhorn().schedule());
        assertEquals(0.05, o.sinkhorn().epsilon());
        assertEquals(true, o.labelGradient());
    }

    private static OrcaExperimentSpec classification() {
        OrcaExperimentSpec spec = new OrcaExperimentSpec();
        spec.task.type = OrcaExperimentSpec.TaskType.CLASSIFICATION;
        spec.task.metric = OrcaExperimentSpec.Metric.ZERO_ONE_ERROR;
        return spec;
    }
}
