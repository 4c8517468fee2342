package dev.orca.operator.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orca.operator.OrcaExperimentReconciler;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import org.junit.jupiter.api.Test;

/** Every informer of the operator lists in pages ({@link ReadOnlyCopies#LIST_PAGE}), the experiments' and each dependent's. */
class ListPagesTest {

    @Test
    void everyInformerListsInPages() {
        assertEquals(ReadOnlyCopies.LIST_PAGE,
                OrcaExperimentReconciler.class.getAnnotation(ControllerConfiguration.class).informer().informerListLimit(), "experiments");
        Dependent[] dependents = OrcaExperimentReconciler.class.getAnnotation(Workflow.class).dependents();
        for (Dependent dependent : dependents) {
            KubernetesDependent k = dependent.type().getAnnotation(KubernetesDependent.class);
            assertEquals(ReadOnlyCopies.LIST_PAGE, k.informer().informerListLimit(), dependent.name());
        }
        assertEquals(10, dependents.length, "every dependent was looked at");
    }
}
