package dev.orca.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.orca.crd.OrcaExperiment;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The operator's ClusterRole (as installed: the chart's rendering in manifests/install) grants exactly what the
 * operator uses, derived from the reconciler: its primary resource and status, each dependent's informer and
 * operations, the extra informers, and Events. An extra verb or a missing one fails.
 */
class OperatorRbacTest {

    static Map<String, Set<String>> derived() {
        Map<String, Set<String>> rules = new TreeMap<>();
        add(rules, OrcaExperiment.class, "", "get", "list", "watch");
        add(rules, OrcaExperiment.class, "/status", "patch", "update");
        for (Dependent d : OrcaExperimentReconciler.class.getAnnotation(Workflow.class).dependents()) {
            Class<?> type = d.type();
            Class<? extends HasMetadata> resource = resourceOf(type);
            add(rules, resource, "", "get", "list", "watch"); // every Kubernetes dependent has an informer
            if (Creator.class.isAssignableFrom(type)) {
                add(rules, resource, "", "create", "patch"); // server-side apply creates with a patch
            }
            if (Updater.class.isAssignableFrom(type)) {
                add(rules, resource, "", "patch", "update");
            }
            if (!GarbageCollected.class.isAssignableFrom(type)) {
                add(rules, resource, "", "delete");
            }
        }
        for (Class<? extends HasMetadata> given : dev.orca.operator.dependent.RunOnlyObjects.KINDS) {
            add(rules, given, "", "delete");
        }
        for (Class<? extends HasMetadata> watched : OrcaExperimentReconciler.WATCHED) {
            add(rules, watched, "", "get", "list", "watch");
        }
        add(rules, Event.class, "", ExperimentEvents.VERB);
        rules.computeIfAbsent(dev.orca.operator.kueue.KueueWorkloads.GROUP + "/" + dev.orca.operator.kueue.KueueWorkloads.PLURAL,
                k -> new TreeSet<>()).addAll(List.of(dev.orca.operator.kueue.KueueWorkloads.VERBS));
        return rules;
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends HasMetadata> resourceOf(Class<?> dependent) {
        Type t = dependent.getGenericSuperclass();
        while (!(t instanceof ParameterizedType p && KubernetesDependentResource.class.isAssignableFrom((Class<?>) p.getRawType()))) {
            t = ((Class<?>) t).getGenericSuperclass();
        }
        return (Class<? extends HasMetadata>) ((ParameterizedType) t).getActualTypeArguments()[0];
    }

    private static void add(Map<String, Set<String>> rules, Class<? extends HasMetadata> type, String sub, String... verbs) {
        rules.computeIfAbsent(HasMetadata.getGroup(type) + "/" + HasMetadata.getPlural(type) + sub, k -> new TreeSet<>())
                .addAll(List.of(verbs));
    }

    static Map<String, Set<String>> installed() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<JsonNode> docs = new ArrayList<>();
        yaml.readValues(new YAMLFactory().createParser(Path.of("../manifests/install/orca-operator.yaml").toFile()), JsonNode.class)
                .forEachRemaining(docs::add);
        // The operator's own ClusterRole, not those aggregated into the built-in edit/view roles for users.
        JsonNode role = docs.stream().filter(d -> d != null && "ClusterRole".equals(d.path("kind").asText())
                && !d.path("metadata").path("labels").has("rbac.authorization.k8s.io/aggregate-to-edit")
                && !d.path("metadata").path("labels").has("rbac.authorization.k8s.io/aggregate-to-view")).findFirst().orElseThrow();
        Map<String, Set<String>> rules = new TreeMap<>();
        for (JsonNode rule : role.get("rules")) {
            for (JsonNode group : rule.get("apiGroups")) {
                for (JsonNode resource : rule.get("resources")) {
                    Set<String> verbs = rules.computeIfAbsent(group.asText() + "/" + resource.asText(), k -> new TreeSet<>());
                    rule.get("verbs").forEach(v -> verbs.add(v.asText()));
                }
            }
        }
        return rules;
    }

    @Test
    void theInstalledClusterRoleIsExactlyWhatTheOperatorUses() throws Exception {
        assertEquals(derived(), installed());
    }

    /** The trainer's per-experiment Role only grants what the operator holds itself (no RBAC escalation needed). */
    @Test
    void theOperatorHoldsWhatItGrantsTheTrainer() throws Exception {
        Set<String> configMaps = installed().get("/configmaps");
        assertEquals(true, configMaps.containsAll(List.of("get", "patch", "update")), configMaps.toString());
    }
}
