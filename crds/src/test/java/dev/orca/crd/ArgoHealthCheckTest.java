package dev.orca.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/** The Argo CD health check, run by a Lua interpreter on the objects Argo CD would give it. */
class ArgoHealthCheckTest {
    private static final Path LUA = Path.of("../manifests/argocd/orcaexperiment-health.lua");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LuaValue health(String objectJson) throws Exception {
        Globals globals = JsePlatform.standardGlobals();
        globals.set("obj", toLua(JSON.readTree(objectJson)));
        return globals.load(Files.readString(LUA)).call();
    }

    private static LuaValue toLua(JsonNode node) {
        if (node.isObject()) {
            LuaTable t = new LuaTable();
            node.fields().forEachRemaining(e -> t.set(e.getKey(), toLua(e.getValue())));
            return t;
        }
        if (node.isArray()) {
            LuaTable t = new LuaTable();
            for (int i = 0; i < node.size(); i++) {
                t.set(i + 1, toLua(node.get(i)));
            }
            return t;
        }
        if (node.isNumber()) {
            return LuaValue.valueOf(node.asDouble());
        }
        if (node.isBoolean()) {
            return LuaValue.valueOf(node.asBoolean());
        }
        return LuaValue.valueOf(node.asText());
    }

    private static String status(String phase, long observed) {
        return """
                {"metadata": {"name": "x", "generation": 2},
                 "status": {"phase": "%s", "observedGeneration": %d,
                            "conditions": [{"type": "Ready", "status": "False", "message": "epoch 3/10"}]}}
                """.formatted(phase, observed);
    }

    @Test
    void phasesMapToArgoHealth() throws Exception {
        assertEquals("Healthy", health(status("Succeeded", 2)).get("status").tojstring());
        assertEquals("Degraded", health(status("Failed", 2)).get("status").tojstring());
        assertEquals("Suspended", health(status("Suspended", 2)).get("status").tojstring());
        LuaValue running = health(status("FineTuning", 2));
        assertEquals("Progressing", running.get("status").tojstring());
        assertEquals("FineTuning: epoch 3/10", running.get("message").tojstring());
        assertEquals("Progressing", health(status("Succeeded", 1)).get("status").tojstring(), "stale status");
        assertEquals("Progressing", health("{\"metadata\": {\"name\": \"x\"}}").get("status").tojstring(), "no status yet");
    }

    @Test
    void theArgoConfigMapCarriesTheSameScript() throws Exception {
        JsonNode cm = new ObjectMapper(new YAMLFactory()).readTree(Path.of("../manifests/argocd/argocd-cm-health.yaml").toFile());
        String embedded = cm.at("/data").get("resource.customizations.health.orca.dev_OrcaExperiment").asText();
        assertEquals(Files.readString(LUA).strip(), embedded.strip());
        assertTrue(embedded.contains("Degraded"));
    }
}
