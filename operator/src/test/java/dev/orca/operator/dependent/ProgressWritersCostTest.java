package dev.orca.operator.dependent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.operator.TestExperiments;
import dev.orca.operator.plan.ExperimentPlan;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.lang.management.ManagementFactory;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * At the largest admitted search the desired identity and channel of 201 writers (the run and 200 trials), four small
 * objects each, when none exists yet (a reconcile builds only the missing ones): a few MiB, every name distinct.
 */
class ProgressWritersCostTest {

    @Test
    void theDesiredObjectsOfTwoHundredTrialsCostAFewMiB() {
        OrcaExperiment e;
        try (var client = new KubernetesClientBuilder().build()) {
            e = TestExperiments.valid(client, "ns", "x");
        }
        OrcaExperimentStatus.Search search = new OrcaExperimentStatus.Search();
        for (int id = 0; id < 200; id++) {
            OrcaExperimentStatus.Trial t = new OrcaExperimentStatus.Trial();
            t.id = id;
            search.trials.add(t);
        }
        ExperimentPlan plan = new ExperimentPlan(null, search, List.of(), List.of(), null, null, false, null, null, List.of());
        List<PerWriter<? extends HasMetadata>> kinds = List.of(new ProgressConfigMap(), new TrainerServiceAccount(), new TrainerRole(),
                new TrainerRoleBinding());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int objects = 0;
        long allocated = 0;
        for (int pass = 0; pass < 6; pass++) { // the last pass is measured, after class loading and the JIT
            long before = threads.getCurrentThreadAllocatedBytes();
            Set<String> names = new HashSet<>();
            objects = 0;
            for (ProgressWriter w : ProgressWriter.current(e, plan)) {
                for (PerWriter<? extends HasMetadata> kind : kinds) {
                    HasMetadata desired = kind.desired(e, w);
                    names.add(desired.getKind() + "/" + desired.getMetadata().getName());
                    objects++;
                }
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(objects, names.size(), "every writer's objects have names of their own");
        }
        System.out.printf("201 writers: %d desired objects, %.2f MiB allocated%n", objects, allocated / 1048576.0);
        for (ProgressWriter w : ProgressWriter.current(e, plan)) {
            for (PerWriter<? extends HasMetadata> kind : kinds) {
                // A reconcile skips the writers whose objects exist by this name: it must be the object's own.
                assertEquals(kind.desired(e, w).getMetadata().getName(), kind.name(w));
            }
        }
        assertEquals(4 * 201, objects);
        assertTrue(allocated < 8L << 20, allocated + " bytes");
    }
}
