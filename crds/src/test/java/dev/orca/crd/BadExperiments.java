package dev.orca.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The table of malformed experiments ({@code bad-experiments.yaml}), shared with the operator's tests. */
public final class BadExperiments {
    private BadExperiments() {}

    public enum RejectedBy { schema, operator }

    /** One malformed experiment: the whole resource, and the field its rejection must name. */
    public record Case(String name, RejectedBy rejectedBy, String field, ObjectNode resource) {
        @Override
        public String toString() {
            return name;
        }

        /** Whether an error message names this case's field (a missing field is named by its parent and its own name). */
        public boolean named(String message) {
            String normalised = message.replace('/', '.').replace("$", "");
            if (normalised.contains(field)) {
                return true;
            }
            int dot = field.lastIndexOf('.');
            return normalised.contains(field.substring(0, dot)) && normalised.contains(field.substring(dot + 1));
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** A fresh copy of the valid experiment the cases are patched from. */
    public static JsonNode base() {
        return table().get("base").deepCopy();
    }

    public static List<Case> all() {
        JsonNode table = table();
        List<Case> out = new ArrayList<>();
        for (JsonNode c : table.get("cases")) {
            ObjectNode resource = table.get("base").deepCopy();
            merge((ObjectNode) resource.get("spec"), c.get("patch"));
            String name = c.get("name").asText();
            ((ObjectNode) resource.get("metadata")).put("name", name.replaceAll("[^a-z0-9]+", "-"));
            out.add(new Case(name, RejectedBy.valueOf(c.get("rejectedBy").asText()), c.get("field").asText(), resource));
        }
        return out;
    }

    /** Parsed once; callers get copies ({@link #base}, {@link #all}), never this tree. */
    private static JsonNode table;

    private static synchronized JsonNode table() {
        if (table == null) {
            try (InputStream in = BadExperiments.class.getResourceAsStream("/bad-experiments.yaml")) {
                table = YAML.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return table;
    }

    private static void merge(ObjectNode target, JsonNode patch) {
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getValue().isNull()) {
                target.remove(f.getKey());
            } else if (f.getValue().isObject() && target.get(f.getKey()) instanceof ObjectNode child) {
                merge(child, f.getValue());
            } else {
                target.set(f.getKey(), f.getValue().deepCopy()); // the cached table stays untouched
            }
        }
    }
}
