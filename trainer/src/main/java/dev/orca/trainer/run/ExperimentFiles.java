package dev.orca.trainer.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.SpecValidation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads the experiment YAML that {@code orca run} takes: either a bare spec or a whole
 * {@code OrcaExperiment} resource (then its {@code spec:} is used), so the file a user applies with
 * kubectl runs locally unchanged. Unknown fields, bad values and failed checks are reported together,
 * each with its field path, before anything is loaded.
 */
public final class ExperimentFiles {
    private ExperimentFiles() {}

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Invalid experiment files: the message lists every problem found. */
    public static final class InvalidExperiment extends RuntimeException {
        public InvalidExperiment(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static OrcaExperimentSpec read(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new InvalidExperiment(file + ": not readable YAML: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidExperiment(file + ": empty or not a mapping", null);
        }
        JsonNode specNode = root.has("kind") ? root.get("spec") : root;
        if (specNode == null) {
            throw new InvalidExperiment(file + ": the resource has no spec", null);
        }
        OrcaExperimentSpec spec;
        try {
            spec = YAML.treeToValue(specNode, OrcaExperimentSpec.class);
        } catch (IOException e) {
            throw new InvalidExperiment(file + ": spec" + path(e) + ": " + detail(e), e);
        }
        List<SpecValidation.Violation> violations = SpecValidation.validate(spec);
        if (!violations.isEmpty()) {
            throw new InvalidExperiment(file + ": invalid experiment:\n  " + violations.stream().map(Object::toString)
                    .collect(Collectors.joining("\n  ")), null);
        }
        return spec;
    }

    /**
     * What is wrong, in the spec's words: a wrong enum value lists the values the field takes (as written in YAML),
     * not the Java type it binds to.
     */
    private static String detail(IOException e) {
        if (e instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException f && f.getTargetType() != null
                && f.getTargetType().isEnum()) {
            String allowed = java.util.Arrays.stream(f.getTargetType().getEnumConstants())
                    .map(c -> OrcaExperimentSpec.wireName((Enum<?>) c)).collect(Collectors.joining(", "));
            return "\"" + f.getValue() + "\" is not one of " + allowed;
        }
        return e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }

    private static String path(IOException e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
            StringBuilder b = new StringBuilder();
            for (var ref : m.getPath()) {
                b.append(ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]");
            }
            return b.toString();
        }
        return "";
    }
}
