package dev.orca.trainer.results;

import dev.orca.crd.OrcaExperiment;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an experiment and fetches its {@code report.html} from its claim, with the user's own credentials: a short-lived
 * pod mounts the claim read-only, prints the file, and is deleted. Nothing here goes through the operator, so a user
 * gets exactly what their RBAC allows (get the experiment; create, log and delete a pod in its namespace).
 */
public final class ExperimentResults {
    /** The label of the reader pods (not orca.dev/experiment: the operator watches pods by that label). */
    static final String READER_LABEL = "orca.dev/results-of";
    private static final String MOUNT = "/data";

    private final KubernetesClient client;
    private final Duration timeout;

    public ExperimentResults(KubernetesClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    public Optional<OrcaExperiment> experiment(String namespace, String name) {
        return Optional.ofNullable(client.resources(OrcaExperiment.class).inNamespace(namespace).withName(name).get());
    }

    /** A report fetched, or why not. */
    public sealed interface Fetched {
        record Report(String html) implements Fetched {}

        record Unavailable(String why) implements Fetched {}
    }

    public Fetched report(OrcaExperiment e) {
        String results = e.getStatus() == null ? null : e.getStatus().results;
        if (results == null || !results.startsWith("pvc://")) {
            return new Fetched.Unavailable("the experiment has no claim (spec.storage.claimName): its report lived in the trainer"
                    + " pod's scratch volume, gone with the pod");
        }
        String rest = results.substring("pvc://".length());
        int slash = rest.indexOf('/');
        String claim = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        Optional<String> image = image(e);
        if (image.isEmpty()) {
            return new Fetched.Unavailable("no image to read the claim with: the trainer Job is gone (runPolicy.ttlSecondsAfterFinished)"
                    + " and spec.image is empty; pass --image");
        }
        return read(e, claim, path.isEmpty() ? "report.html" : path + "/report.html", image.get());
    }

    /** The image the trainer ran (it has a shell-free cat and runs as the trainer's user), or spec.image. */
    Optional<String> image(OrcaExperiment e) {
        String job = e.getStatus() == null ? null : e.getStatus().jobName;
        if (job != null) {
            Job j = client.batch().v1().jobs().inNamespace(e.getMetadata().getNamespace()).withName(job).get();
            if (j != null) {
                return Optional.of(j.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
            }
        }
        return Optional.ofNullable(e.getSpec() == null ? null : e.getSpec().image);
    }

    public Fetched read(OrcaExperiment e, String claim, String file, String image) {
        String namespace = e.getMetadata().getNamespace();
        String name = (e.getMetadata().getName() + "-results").replaceAll("(.{0,52}).*", "$1") + "-"
                + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(Map.of(READER_LABEL, e.getMetadata().getName()))
                .endMetadata()
                .withNewSpec().withRestartPolicy("Never").withAutomountServiceAccountToken(false)
                .withActiveDeadlineSeconds(timeout.toSeconds())
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(1000L).withRunAsGroup(1000L)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName(claim).withReadOnly(true)
                .endPersistentVolumeClaim().endVolume()
                .addNewContainer().withName("cat").withImage(image).withCommand("cat", MOUNT + "/" + file)
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
                .withNewResources().withRequests(Map.of("cpu", new Quantity("50m"), "memory", new Quantity("32Mi")))
                .withLimits(Map.of("cpu", new Quantity("200m"), "memory", new Quantity("64Mi"))).endResources()
                .addNewVolumeMount().withName("data").withMountPath(MOUNT).withReadOnly(true).endVolumeMount()
                .endContainer()
                .endSpec().build();
        try {
            client.pods().inNamespace(namespace).resource(pod).create();
        } catch (KubernetesClientException ex) {
            return new Fetched.Unavailable("cannot start a pod to read claim " + claim + " in " + namespace + ": " + ex.getStatus().getMessage());
        }
        try {
            Pod done = client.pods().inNamespace(namespace).withName(name).waitUntilCondition(
                    p -> p != null && p.getStatus() != null && ("Succeeded".equals(p.getStatus().getPhase()) || "Failed".equals(p.getStatus().getPhase())),
                    timeout.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            String log = client.pods().inNamespace(namespace).withName(name).getLog();
            if (!"Succeeded".equals(done.getStatus().getPhase())) {
                return new Fetched.Unavailable("reading " + file + " on claim " + claim + " failed: " + log.strip());
            }
            return new Fetched.Report(log);
        } catch (KubernetesClientException ex) {
            return new Fetched.Unavailable("the pod reading claim " + claim + " did not finish within " + timeout.toSeconds() + " s: "
                    + ex.getMessage());
        } finally {
            client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
        }
    }
}
