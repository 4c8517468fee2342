package dev.orca.operator.dependent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesiredStateHashTest {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static ConfigMap spec(String yaml) {
        return new ConfigMapBuilder().withNewMetadata().withName("x-spec").withNamespace("ml").withLabels(Map.of("orca.dev/role", "spec"))
                .endMetadata().addToData("experiment.yaml", yaml).build();
    }

    private static String hash(ConfigMap c) {
        return c.getMetadata().getAnnotations().get(DesiredStateHash.ANNOTATION);
    }

    @Test
    void theSameDesiredStateMatchesAndAChangedOneDoesNot() {
        ConfigMap desired = DesiredStateHash.stamp(spec("alignment: {epochs: 5}\n"), SERIALIZATION);
        // What the informer keeps: the server's copy as metadata alone, the annotation with it.
        ConfigMap cached = new ConfigMap();
        cached.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder(desired.getMetadata()).withResourceVersion("7").build());
        assertTrue(DesiredStateHash.match(cached, DesiredStateHash.stamp(spec("alignment: {epochs: 5}\n"), SERIALIZATION)).matched());
        assertFalse(DesiredStateHash.match(cached, DesiredStateHash.stamp(spec("alignment: {epochs: 6}\n"), SERIALIZATION)).matched(),
                "an edited spec is applied again");
        cached.getMetadata().setAnnotations(Map.of("poke", "1"));
        assertFalse(DesiredStateHash.match(cached, desired).matched(), "an object without the annotation (made before it) is applied once");
    }

    @Test
    void theHashDoesNotDependOnAPreviousStamp() {
        ConfigMap once = DesiredStateHash.stamp(spec("a: 1\n"), SERIALIZATION);
        ConfigMap twice = DesiredStateHash.stamp(DesiredStateHash.stamp(spec("a: 1\n"), SERIALIZATION), SERIALIZATION);
        assertEquals(hash(once), hash(twice));
        assertEquals(64, hash(once).length(), "SHA-256 in hex");
        assertNotEquals(hash(once), hash(DesiredStateHash.stamp(spec("a: 2\n"), SERIALIZATION)));
    }

    @Test
    void theHashDoesNotDependOnTheOrderMapsWereBuiltIn() {
        // Map.of's order differs from one JVM (one replica) to the next; insertion orders stand in for it here.
        java.util.LinkedHashMap<String, String> one = new java.util.LinkedHashMap<>();
        one.put("orca.dev/role", "spec");
        one.put("orca.dev/experiment", "x");
        java.util.LinkedHashMap<String, String> other = new java.util.LinkedHashMap<>();
        other.put("orca.dev/experiment", "x");
        other.put("orca.dev/role", "spec");
        ConfigMap a = spec("a: 1\n");
        a.getMetadata().setLabels(one);
        ConfigMap b = spec("a: 1\n");
        b.getMetadata().setLabels(other);
        assertNotEquals(SERIALIZATION.asJson(a), SERIALIZATION.asJson(b), "the two serialize differently as built");
        assertEquals(hash(DesiredStateHash.stamp(a, SERIALIZATION)), hash(DesiredStateHash.stamp(b, SERIALIZATION)));
        b.getMetadata().getLabels().put("orca.dev/role", "progress");
        assertNotEquals(hash(DesiredStateHash.stamp(a, SERIALIZATION)), hash(DesiredStateHash.stamp(b, SERIALIZATION)));
    }
}
