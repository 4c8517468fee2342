package dev.orca.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every OrcaExperiment shipped under manifests/ (samples, both benchmark suites), and every bare spec the benchmarks
 * under bench/ run through the CLI, passes the CRD's own schema and rules.
 */
class ManifestExperimentsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static List<Path> experimentFiles() throws IOException {
        // e2e/'s experiments too: e2e/run applies them to a real API server, where a drifted one fails late.
        try (Stream<Path> files = Stream.concat(Files.walk(Path.of("../manifests")), Files.walk(Path.of("../e2e/experiments")))) {
            // The shipped files only: check.sh's renderings under manifests/target repeat them.
            return files.filter(f -> f.toString().endsWith(".yaml") && !f.toString().contains("/target/")).filter(f -> {
                try {
                    return documents(f).stream().anyMatch(d -> "OrcaExperiment".equals(d.path("kind").asText()));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
    }

    static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void theSuitesAreComplete() throws IOException {
        List<Path> files = experimentFiles();
        assertEquals(13, files.stream().filter(f -> f.toString().contains("benchmarks/paper")).count(), "the paper's 13 tasks");
        assertTrue(files.stream().filter(f -> f.toString().contains("benchmarks/offline")).count() >= 6);
        assertTrue(files.stream().filter(f -> f.toString().contains("samples")).count() >= 3, "one sample per task type");
    }

    @ParameterizedTest
    @MethodSource("experimentFiles")
    void admittedByTheCrd(Path file) throws IOException {
        for (JsonNode doc : documents(file)) {
            assertAdmitted(doc, file);
        }
    }

    /** Admitted by the committed CRD (schema and CEL rules) and by the CLI's own validation of its spec. */
    private static void assertAdmitted(JsonNode experiment, Path file) throws IOException {
        assertEquals(List.of(), CrdAdmission.committed().create(experiment), file.toString());
        OrcaExperimentSpec spec = YAML.treeToValue(experiment.get("spec"), OrcaExperimentSpec.class);
        assertEquals(List.of(), SpecValidation.validate(spec), file + " (the CLI's validation)");
    }

    /** bench/'s experiment files are bare specs (the CLI's form), so they drift silently unless checked here. */
    static List<Path> benchSpecFiles() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("../bench"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("benchSpecFiles")
    void benchSpecsAdmittedByTheCrd(Path file) throws IOException {
        JsonNode spec = documents(file).get(0);
        var experiment = YAML.createObjectNode().put("apiVersion", "orca.dev/v1alpha1").put("kind", "OrcaExperiment");
        experiment.putObject("metadata").put("name", "bench");
        experiment.set("spec", spec);
        assertAdmitted(experiment, file);
    }

    @Test
    void benchSpecsAreFound() throws IOException {
        assertTrue(benchSpecFiles().size() >= 19, "bench/ holds the reproduction, ablation and search files");
    }

    /** The check is not vacuous: a broken experiment next to the samples' shape is refused. */
    @Test
    void aBrokenSampleIsRefused() throws IOException {
        JsonNode broken = documents(Path.of("src/test/resources/broken-sample.yaml")).get(0);
        List<String> errors = CrdAdmission.committed().create(broken);
        assertFalse(errors.isEmpty());
        assertTrue(errors.stream().anyMatch(e -> e.contains("spec.task.outputShape")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.contains("spec.finetune.optimizer.name") || e.contains("finetune.optimizer.name")),
                errors.toString());
    }
}
