package dev.orca.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an API server does with a CRD when an object is applied, as far as a test can without one: the
 * version's openAPI v3 schema (as a draft-4 JSON Schema, unknown fields rejected the way
 * {@code kubectl apply}'s strict field validation does) and every {@code x-kubernetes-validations} CEL rule,
 * evaluated with {@code self} bound to the object at that node (and {@code oldSelf} on updates). Each error
 * names the field path, as the API server's do.
 */
public final class CrdAdmission {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private final JsonNode openApi;
    private final JsonSchema schema;
    private final CelCompiler cel = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN).addVar("oldSelf", SimpleType.DYN).build();
    private final CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    private CrdAdmission(JsonNode openApi) {
        this.openApi = openApi;
        JsonNode strict = openApi.deepCopy();
        closeObjects(strict);
        this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(strict);
    }

    /** The committed CRD of this module (crds/orcaexperiments.orca.dev-v1.yml), or any CRD file. */
    public static CrdAdmission of(Path crd) {
        try {
            JsonNode root = YAML.readTree(crd.toFile());
            return new CrdAdmission(root.at("/spec/versions/0/schema/openAPIV3Schema"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The committed CRD, found from any module of the build. */
    public static CrdAdmission committed() {
        Path here = Path.of("").toAbsolutePath();
        for (Path dir = here; dir != null; dir = dir.getParent()) {
            Path crd = dir.resolve("crds").resolve(CRD_FILE);
            if (crd.toFile().isFile()) {
                return of(crd);
            }
        }
        throw new IllegalStateException("no crds/" + CRD_FILE + " above " + here);
    }

    public static final String CRD_FILE = "orcaexperiments.orca.dev-v1.yml";

    /** Errors for creating {@code object} (a whole resource); empty when it would be admitted. */
    public List<String> create(JsonNode object) {
        return admit(object, null);
    }

    /** Errors for replacing {@code old} by {@code object}: transition rules ({@code oldSelf}) apply too. */
    public List<String> update(JsonNode old, JsonNode object) {
        return admit(object, old);
    }

    private List<String> admit(JsonNode object, JsonNode old) {
        ObjectNode checked = object.deepCopy();
        checked.remove(List.of("apiVersion", "kind", "metadata"));
        List<String> errors = new ArrayList<>();
        for (ValidationMessage m : schema.validate(checked)) {
            errors.add(m.getInstanceLocation().toString().replace("$", "") + ": " + m.getMessage());
        }
        // Like the API server, rules run even when the schema already failed; a rule that cannot evaluate on the
        // ill-typed object is then left out rather than reported.
        boolean schemaFailed = !errors.isEmpty();
        rules(openApi, checked, old == null ? null : old.deepCopy(), "", errors, schemaFailed);
        return errors;
    }

    private void rules(JsonNode node, JsonNode value, JsonNode oldValue, String path, List<String> errors, boolean lenient) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return;
        }
        for (JsonNode rule : node.path("x-kubernetes-validations")) {
            String expression = rule.get("rule").asText();
            boolean transition = expression.contains("oldSelf");
            if (transition && (oldValue == null || oldValue.isMissingNode() || oldValue.isNull())) {
                continue;
            }
            Object result;
            try {
                result = runtime.createProgram(cel.compile(expression).getAst())
                        .eval(Map.of("self", toCel(value), "oldSelf", oldValue == null ? Map.of() : toCel(oldValue)));
            } catch (Exception e) {
                if (lenient) {
                    continue;
                }
                throw new IllegalStateException("CEL rule at " + path + " failed to evaluate: " + expression, e);
            }
            if (!Boolean.TRUE.equals(result)) {
                errors.add(path + rule.path("fieldPath").asText("") + ": " + rule.path("message").asText(expression));
            }
        }
        if (value.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.path("properties").fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                rules(f.getValue(), value.get(f.getKey()), oldValue == null ? null : oldValue.get(f.getKey()),
                        path + "." + f.getKey(), errors, lenient);
            }
        } else if (value.isArray() && node.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                rules(node.get("items"), value.get(i), null, path + "[" + i + "]", errors, lenient);
            }
        }
    }

    /** JSON to the values CEL's runtime takes: Long, Double, String, Boolean, List, Map. */
    private static Object toCel(JsonNode v) {
        if (v.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            v.fields().forEachRemaining(e -> out.put(e.getKey(), toCel(e.getValue())));
            return out;
        }
        if (v.isArray()) {
            List<Object> out = new ArrayList<>();
            v.forEach(e -> out.add(toCel(e)));
            return out;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        return v.asText();
    }

    /** Objects with declared properties admit no others, unless the schema preserves unknown fields. */
    private static void closeObjects(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            if (o.has("properties") && !o.has("additionalProperties") && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
                o.put("additionalProperties", false);
            }
            o.fields().forEachRemaining(e -> closeObjects(e.getValue()));
        } else if (node instanceof ArrayNode a) {
            a.forEach(CrdAdmission::closeObjects);
        }
    }
}
