package dev.orca.trainer.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.crd.OrcaExperimentSpec;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * An experiment's spec as MLflow parameters: one per leaf, keyed by its path ({@code finetune.optimizer.lr}), lists
 * as their JSON. The tracking settings and the pod's resources are left out: they say where the run went, not what it
 * was, and would make two identical experiments on two trackers differ.
 */
public final class TrackedParameters {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.Set<String> LEFT_OUT = java.util.Set.of("tracking", "resources", "runPolicy", "storage", "image");

    private TrackedParameters() {}

    public static Map<String, String> of(OrcaExperimentSpec spec) {
        Map<String, String> out = new TreeMap<>();
        JsonNode tree = JSON.valueToTree(spec);
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!LEFT_OUT.contains(field.getKey())) {
                flatten(field.getKey(), field.getValue(), out);
            }
        }
        return out;
    }

    private static void flatten(String path, JsonNode node, Map<String, String> out) {
        if (node == null || node.isNull()) {
            return;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> flatten(path + "." + f.getKey(), f.getValue(), out));
        } else {
            out.put(path, node.isTextual() ? node.asText() : node.toString());
        }
    }
}
