package dev.orca.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpecValidationTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static ObjectNode sample() throws Exception {
        try (InputStream in = SpecValidationTest.class.getResourceAsStream("/darcy-flow.yaml")) {
            return (ObjectNode) YAML.readTree(in);
        }
    }

    @Test
    void theSampleIsValidAndReadsAsWritten() throws Exception {
        OrcaExperimentSpec spec = YAML.treeToValue(sample(), OrcaExperimentSpec.class);
        assertEquals(List.of(), SpecValidation.validate(spec));
        assertEquals(OrcaExperimentSpec.TaskType.DENSE, spec.task.type);
        assertEquals(OrcaExperimentSpec.Mode.ORCA, spec.mode);
        assertEquals(OrcaExperimentSpec.Metric.RELATIVE_L2, spec.task.metric);
        assertEquals(OrcaExperimentSpec.OptimizerName.ADAM, spec.alignment.optimizer.name);
        assertEquals(1e-5, spec.alignment.optimizer.weightDecay);
        assertEquals(5, spec.finetune.schedule.warmupEpochs);
        assertEquals("darcy-flow", spec.task.data.generator.name);
    }

    @Test
    void unknownFieldsAndValuesAreNamed() throws Exception {
        ObjectNode node = sample();
        ((ObjectNode) node.get("finetune")).put("epoch", 3);
        UnrecognizedPropertyException e = assertThrows(UnrecognizedPropertyException.class,
                () -> YAML.treeToValue(node, OrcaExperimentSpec.class));
        assertTrue(e.getMessage().contains("\"epoch\""), e.getMessage());
        ObjectNode badEnum = sample();
        ((ObjectNode) badEnum.get("task")).put("type", "regression");
        assertTrue(assertThrows(Exception.class, () -> YAML.treeToValue(badEnum, OrcaExperimentSpec.class))
                .getMessage().contains("regression"));
    }

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                bad("spec.task.type", s -> s.task.type = null),
                bad("spec.task.inputShape", s -> s.task.inputShape = List.of(85L, 85L, 1L, 1L)),
                bad("spec.task.inputShape", s -> s.task.inputShape = List.of(1L, 0L, 85L)),
                bad("spec.task.outputShape", s -> s.task.outputShape = null),
                bad("spec.task.outputShape", s -> s.task.outputShape = List.of(1L, 84L, 85L)),
                bad("spec.task.metric", s -> s.task.metric = OrcaExperimentSpec.Metric.ZERO_ONE_ERROR),
                bad("spec.task.metric", s -> s.task.metric = null),
                bad("spec.task.numClasses", s -> {
                    s.task.type = OrcaExperimentSpec.TaskType.CLASSIFICATION;
                    s.task.metric = OrcaExperimentSpec.Metric.ZERO_ONE_ERROR;
                    s.task.numClasses = 1;
                }),
                bad("spec.task.data", s -> s.task.data.files = new OrcaExperimentSpec.Files()),
                bad("spec.task.data", s -> s.task.data.generator = null),
                bad("spec.task.data.generator.name", s -> s.task.data.generator.name = "mnist-3d"),
                bad("spec.task.data.generator.samples", s -> s.task.data.generator.samples = 3),
                bad("spec.task.data.files.format", s -> {
                    s.task.data.generator = null;
                    s.task.data.files = new OrcaExperimentSpec.Files();
                    s.task.data.files.train = "/data/x.parquet";
                    s.task.data.files.format = "parquet";
                }),
                bad("spec.task.data.files.train", s -> {
                    s.task.data.generator = null;
                    s.task.data.files = new OrcaExperimentSpec.Files();
                    s.task.data.files.format = "npz";
                }),
                bad("spec.task.data.validationFraction", s -> s.task.data.validationFraction = 0.9),
                bad("spec.task.data.testFraction", s -> s.task.data.testFraction = -0.1),
                bad("spec.body.checkpoint", s -> s.body.checkpoint = " "),
                bad("spec.body.checkpoint", s -> s.body.checkpoint = "s3://bucket/model"),
                bad("spec.body.pooling", s -> s.body.pooling = "max"),
                bad("spec.source.dataset", s -> s.source.dataset = null),
                bad("spec.source.samples", s -> s.source.samples = 0),
                bad("spec.alignment.epochs", s -> s.alignment.epochs = 0),
                bad("spec.alignment.samplesPerClass", s -> s.alignment.samplesPerClass = 1),
                bad("spec.alignment.epsilon", s -> s.alignment.epsilon = 0),
                bad("spec.alignment.pseudoLabels", s -> s.alignment.pseudoLabels = 1),
                bad("spec.alignment.optimizer.lr", s -> s.alignment.optimizer.lr = -1),
                bad("spec.finetune.epochs", s -> s.finetune.epochs = 0),
                bad("spec.finetune.batchSize", s -> s.finetune.batchSize = 0),
                bad("spec.finetune.gradientAccumulation", s -> s.finetune.gradientAccumulation = 0),
                bad("spec.finetune.schedule.warmupEpochs", s -> s.finetune.schedule.warmupEpochs = -1),
                bad("spec.finetune.schedule.decayEpochs", s -> s.finetune.schedule.decayEpochs = 5),
                bad("spec.finetune.dropout", s -> s.finetune.dropout = 1),
                bad("spec.finetune.optimizer.betas", s -> s.finetune.optimizer.betas = List.of(0.9)),
                bad("spec.finetune.optimizer.betas", s -> s.finetune.optimizer.betas = List.of(0.9, 1.0)),
                bad("spec.task.data.validationFraction", s -> {
                    s.search = new OrcaExperimentSpec.Search();
                    s.search.space = new OrcaExperimentSpec.Space();
                    s.task.data.validationFraction = 0;
                }),
                bad("spec.finetune.optimizer.momentum", s -> s.finetune.optimizer.momentum = 1.5),
                bad("spec.finetune.optimizer.weightDecay", s -> s.finetune.optimizer.weightDecay = -0.1),
                bad("spec.finetune.clipNorm", s -> s.finetune.clipNorm = -1),
                bad("spec.resources.gpus", s -> s.resources.gpus = -1),
                bad("spec.runPolicy.backoffLimit", s -> s.runPolicy.backoffLimit = -1),
                bad("spec.runPolicy.activeDeadlineSeconds", s -> s.runPolicy.activeDeadlineSeconds = 0L),
                bad("spec.mode", s -> s.mode = null));
    }

    private static Arguments bad(String field, Consumer<OrcaExperimentSpec> breakIt) {
        return Arguments.of(field, breakIt);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void eachBrokenFieldIsNamed(String field, Consumer<OrcaExperimentSpec> breakIt) throws Exception {
        OrcaExperimentSpec spec = YAML.treeToValue(sample(), OrcaExperimentSpec.class);
        breakIt.accept(spec);
        List<SpecValidation.Violation> violations = SpecValidation.validate(spec);
        assertTrue(violations.stream().anyMatch(v -> v.field().equals(field)), field + " not reported: " + violations);
    }

    /** Left unsaid, the settings are the official code's but for two chosen on validation (docs/official-recipe.md). */
    @Test
    void defaultsAreTheOfficialRecipe() {
        OrcaExperimentSpec spec = new OrcaExperimentSpec();
        assertEquals(0, spec.finetune.dropout);
        assertEquals(0, spec.finetune.clipNorm);
        assertEquals(List.of(0.9, 0.98), spec.finetune.optimizer.betas);
        assertEquals(5, spec.finetune.schedule.warmupEpochs);
        assertEquals(0, spec.task.data.validationFraction);
        assertEquals(512, spec.embedder.targetSequenceLength);
        // A default that is not the official code's, chosen on validation (docs/official-recipe.md).
        assertEquals(OrcaExperimentSpec.EmbedderLayerNorm.AFTER_POSITIONS, spec.embedder.layerNorm);
        assertEquals(60, spec.alignment.epochs);
        assertEquals(128, spec.alignment.samplesPerClass);
        assertEquals(5000, spec.source.samples);
        // The second default that is not the official code's, chosen on validation: the embedder trains at fine-tuning's
        // own rate. The official derivation (x 10 while the rate is at most 1e-3, task_configs.py:311-314) is one field away.
        spec.finetune.optimizer.name = OrcaExperimentSpec.OptimizerName.SGD;
        spec.finetune.optimizer.lr = 1e-6;
        spec.finetune.optimizer.momentum = 0.99;
        assertEquals(OrcaExperimentSpec.AlignmentRate.FINETUNE, spec.alignment.rate);
        OrcaExperimentSpec.Optimizer derived = spec.alignment.optimizer(spec.finetune);
        assertEquals(OrcaExperimentSpec.OptimizerName.SGD, derived.name);
        assertEquals(1e-6, derived.lr, 1e-18);
        assertEquals(0.99, derived.momentum);
        spec.alignment.rate = OrcaExperimentSpec.AlignmentRate.OFFICIAL;
        assertEquals(1e-5, spec.alignment.optimizer(spec.finetune).lr, 1e-18);
        spec.finetune.optimizer.lr = 3e-3;
        assertEquals(3e-3, spec.alignment.optimizer(spec.finetune).lr);
        OrcaExperimentSpec.Optimizer own = new OrcaExperimentSpec.Optimizer();
        spec.alignment.optimizer = own;
        assertEquals(own, spec.alignment.optimizer(spec.finetune));
    }

    @Test
    void plainFineTuningNeedsNoSource() throws Exception {
        OrcaExperimentSpec spec = YAML.treeToValue(sample(), OrcaExperimentSpec.class);
        spec.mode = OrcaExperimentSpec.Mode.FINETUNE;
        spec.source.dataset = null;
        assertEquals(List.of(), SpecValidation.validate(spec));
    }
}
