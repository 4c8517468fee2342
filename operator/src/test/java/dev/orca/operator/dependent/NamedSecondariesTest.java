package dev.orca.operator.dependent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.operator.TestExperiments;
import dev.orca.operator.plan.ExperimentPlan;
import dev.orca.operator.plan.Names;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The informers find an experiment's objects by name: every object a reconcile makes must be under a name looked up. */
class NamedSecondariesTest {

    private static OrcaExperiment experiment() {
        try (var client = new KubernetesClientBuilder().build()) {
            OrcaExperiment e = TestExperiments.valid(client, "team-a", "x");
            e.getMetadata().setUid("uid-x");
            return e;
        }
    }

    @Test
    void everyWritersObjectIsWhereItsInformerLooksEvenAfterTheBudgetWasLowered() {
        OrcaExperiment e = experiment();
        e.getSpec().search = new OrcaExperimentSpec.Search();
        e.getSpec().search.trials = 3;
        // Five trials started under an earlier spec; the budget was lowered to three since.
        OrcaExperimentStatus.Search search = new OrcaExperimentStatus.Search();
        for (int id = 0; id < 5; id++) {
            OrcaExperimentStatus.Trial t = new OrcaExperimentStatus.Trial();
            t.id = id;
            search.trials.add(t);
        }
        e.setStatus(new OrcaExperimentStatus());
        e.getStatus().search = search;
        ExperimentPlan plan = new ExperimentPlan(null, search, List.of(), List.of(), null, null, false, null, null, List.of());
        List<PerWriter<? extends HasMetadata>> kinds = List.of(new ProgressConfigMap(), new TrainerServiceAccount(), new TrainerRole(),
                new TrainerRoleBinding());
        for (PerWriter<? extends HasMetadata> kind : kinds) {
            Set<String> looked = kind.names(e).collect(Collectors.toSet());
            for (ProgressWriter w : ProgressWriter.current(e, plan)) {
                String made = kind.desired(e, w).getMetadata().getName();
                assertTrue(looked.contains(made), kind.getClass().getSimpleName() + " " + made + " not among " + looked);
            }
            assertEquals(6, looked.size(), "the run and five trials, each once: " + looked);
        }
    }

    @Test
    void theIdsAreInTheExperimentsNamespace() {
        OrcaExperiment e = experiment();
        Set<ResourceID> ids = NamedSecondaries.ids(e, x -> Stream.of(Names.spec(x), Names.trainer(x)));
        assertEquals(Set.of(new ResourceID("x-spec", "team-a"), new ResourceID("x-trainer", "team-a")), ids);
    }

    @Test
    void anObjectFoundByNameIsTheExperimentsOnlyWhenItOwnsIt() {
        OrcaExperiment e = experiment();
        var mine = new ConfigMapBuilder().withNewMetadata().withName("x-spec").withNamespace("team-a").endMetadata().build();
        mine.addOwnerReference(e);
        var theirs = new ConfigMapBuilder().withNewMetadata().withName("x-spec").withNamespace("team-a").endMetadata().build();
        assertTrue(Names.ownedBy(mine, e));
        assertFalse(Names.ownedBy(theirs, e));
        e.getMetadata().setUid(null); // not yet created: it owns nothing
        assertFalse(Names.ownedBy(mine, e));
    }
}
