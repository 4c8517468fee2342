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
                bad("spec.finetune.schedule.warmupEpochs", s -> s.finetune.schedule.warmupEpochs = 101),
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

    @Test
    void plainFineTuningNeedsNoSource() throws Exception {
        OrcaExperimentSpec spec = YAML.treeToValue(sample(), OrcaExperimentSpec.class);
        spec.mode = OrcaExperimentSpec.Mode.FINETUNE;
        spec.source.dataset = null;
        assertEquals(List.of(), SpecValidation.validate(spec));
    }
}
