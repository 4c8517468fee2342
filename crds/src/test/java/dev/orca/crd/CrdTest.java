package dev.orca.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The committed CRD is the generated one, and it admits and refuses what it should. */
class CrdTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8/" + CrdAdmission.CRD_FILE);
    private static final Path COMMITTED = Path.of(CrdAdmission.CRD_FILE);
    /** Helm installs CRDs from the chart's own crds/ directory (it cannot reach outside the chart). */
    private static final Path CHART_COPY = Path.of("../charts/orca-operator/crds", CrdAdmission.CRD_FILE);

    /**
     * The CRD generator sorts printer columns by name; kubectl shows them in the CRD's order, so the committed
     * CRD lists them as {@link OrcaExperiment} declares them. Nothing else differs from the generator's output.
     * Run with {@code -Dorca.crd.update=true} to rewrite the committed file after changing the model.
     */
    @Test
    void committedCrdIsTheGeneratedOne() throws Exception {
        ObjectNode generated = (ObjectNode) YAML.readTree(GENERATED.toFile());
        ArrayNode columns = (ArrayNode) generated.at("/spec/versions/0/additionalPrinterColumns");
        List<String> declared = Arrays.stream(OrcaExperiment.class.getAnnotationsByType(AdditionalPrinterColumn.class))
                .map(AdditionalPrinterColumn::name).toList();
        List<JsonNode> ordered = new ArrayList<>();
        columns.forEach(ordered::add);
        ordered.sort((a, b) -> declared.indexOf(a.get("name").asText()) - declared.indexOf(b.get("name").asText()));
        columns.removeAll();
        columns.addAll(ordered);
        if (Boolean.getBoolean("orca.crd.update")) {
            Files.writeString(COMMITTED, "# Generated from dev.orca.crd.OrcaExperiment by the Fabric8 CRD generator at build"
                    + " (printer columns in declared order).\n# Do not edit: change the Java model and run"
                    + " mvn -pl crds verify -Dorca.crd.update=true\n" + YAML.writeValueAsString(generated));
        }
        if (Boolean.getBoolean("orca.crd.update")) {
            Files.copy(COMMITTED, CHART_COPY, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertEquals(Files.readString(COMMITTED), Files.readString(CHART_COPY), "the chart's CRD is a copy of crds/" + CrdAdmission.CRD_FILE
                + "; regenerate with -Dorca.crd.update=true");
        assertEquals(generated, YAML.readTree(COMMITTED.toFile()),
                "crds/" + CrdAdmission.CRD_FILE + " drifted from the model; regenerate with -Dorca.crd.update=true");
        assertEquals(List.of("PHASE", "STAGE", "PROGRESS", "OTDD", "METRIC", "AGE", "BODY", "TASK"),
                ordered.stream().map(c -> c.get("name").asText()).toList());
        assertEquals(List.of("BODY", "TASK"), ordered.stream().filter(c -> c.get("priority").asInt() == 1)
                .map(c -> c.get("name").asText()).toList(), "-o wide columns");
        // The figures people read are the operator's formatted strings, not raw doubles (86.93648637135824).
        assertEquals(List.of(".status.progress.summary", ".status.otdd.summary", ".status.metric.summary"), ordered.stream()
                .filter(c -> List.of("PROGRESS", "OTDD", "METRIC").contains(c.get("name").asText()))
                .map(c -> c.get("jsonPath").asText()).toList());
        assertTrue(generated.at("/spec/versions/0/subresources/status").isObject(), "status is a subresource");
    }

    /** kubectl explain has something to say about every field. */
    @Test
    void everyFieldIsDescribed() throws Exception {
        JsonNode schema = YAML.readTree(COMMITTED.toFile()).at("/spec/versions/0/schema/openAPIV3Schema/properties");
        List<String> undescribed = new ArrayList<>();
        for (String root : List.of("spec", "status")) {
            undescribed(schema.get(root).get("properties"), root, undescribed);
        }
        assertEquals(List.of(), undescribed);
    }

    private static void undescribed(JsonNode properties, String path, List<String> out) {
        Iterator<Map.Entry<String, JsonNode>> fields = properties.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String here = path + "." + f.getKey();
            // metav1.Condition's own fields come from the Kubernetes model, described upstream.
            if (!f.getValue().has("description") && !here.startsWith("status.conditions.")) {
                out.add(here);
            }
            JsonNode child = f.getValue().has("items") ? f.getValue().get("items") : f.getValue();
            if (child.has("properties")) {
                undescribed(child.get("properties"), here, out);
            }
        }
    }

    @Test
    void theBaseExperimentAndTheSamplesAreAdmitted() {
        assertEquals(List.of(), CrdAdmission.committed().create(BadExperiments.base()));
    }

    static List<BadExperiments.Case> schemaCases() {
        return BadExperiments.all().stream().filter(c -> c.rejectedBy() == BadExperiments.RejectedBy.schema).toList();
    }

    static List<BadExperiments.Case> operatorCases() {
        return BadExperiments.all().stream().filter(c -> c.rejectedBy() == BadExperiments.RejectedBy.operator).toList();
    }

    @Test
    void theTableIsLargeEnough() {
        assertTrue(BadExperiments.all().size() >= 30, "at least 30 malformed experiments");
    }

    @ParameterizedTest
    @MethodSource("schemaCases")
    void theSchemaRefusesNamingTheField(BadExperiments.Case bad) {
        List<String> errors = CrdAdmission.committed().create(bad.resource());
        assertFalse(errors.isEmpty(), "admitted: " + bad.resource().get("spec"));
        assertTrue(errors.stream().anyMatch(bad::named), bad.field() + " not named in " + errors);
    }

    /** Without an API server (orca run), binding and SpecValidation refuse the same experiments. */
    @ParameterizedTest
    @MethodSource("schemaCases")
    void theLocalRunRefusesThemToo(BadExperiments.Case bad) {
        String named;
        try {
            OrcaExperimentSpec spec = YAML.treeToValue(bad.resource().get("spec"), OrcaExperimentSpec.class);
            named = SpecValidation.validate(spec).stream().map(v -> v.field() + ": " + v.message()).collect(Collectors.joining("; "));
        } catch (MismatchedInputException e) {
            named = "spec." + e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")) + ": " + e.getOriginalMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertFalse(named.isEmpty(), "accepted locally: " + bad.resource().get("spec"));
        assertTrue(bad.named(named), bad.field() + " not named in " + named);
    }

    @ParameterizedTest
    @MethodSource("operatorCases")
    void operatorCasesPassTheSchema(BadExperiments.Case bad) {
        assertEquals(List.of(), CrdAdmission.committed().create(bad.resource()), "the operator, not the schema, refuses " + bad);
    }

    @Test
    void theExperimentIsImmutableButCanBeSuspended() {
        CrdAdmission admission = CrdAdmission.committed();
        JsonNode old = BadExperiments.base();
        ObjectNode changedTask = old.deepCopy();
        ((ObjectNode) changedTask.at("/spec/task")).put("numClasses", 12);
        List<String> errors = admission.update(old, changedTask);
        assertTrue(errors.stream().anyMatch(e -> e.startsWith(".spec.task") && e.contains("immutable")), errors.toString());
        ObjectNode changedSeed = old.deepCopy();
        ((ObjectNode) changedSeed.get("spec")).put("seed", 7);
        assertTrue(admission.update(old, changedSeed).stream().anyMatch(e -> e.contains("seed") && e.contains("immutable")),
                "adding a seed that was absent (the default) changes the experiment too");

        ObjectNode suspended = old.deepCopy();
        ((ObjectNode) suspended.at("/spec/runPolicy")).put("suspend", true);
        assertEquals(List.of(), admission.update(old, suspended), "suspend and resume stay possible");
    }
}
