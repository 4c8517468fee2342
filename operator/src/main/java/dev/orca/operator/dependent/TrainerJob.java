package dev.orca.operator.dependent;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.ProgressReport;
import dev.orca.operator.OperatorConfig;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The trainer Job: one pod that runs {@code orca run} on the mounted experiment file, writes checkpoints
 * and results to the volume, and resumes from the checkpoint when Kubernetes restarts it (backoffLimit).
 * A Job's pod template is immutable and the experiment's spec is too, so only what may change on a
 * running experiment is compared and updated: suspension.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Names.ROLE_LABEL + "=trainer"))
public class TrainerJob extends KubernetesDependentResource<Job, OrcaExperiment>
        implements Creator<Job, OrcaExperiment>, Updater<Job, OrcaExperiment>, GarbageCollected<OrcaExperiment> {
    public static final String GPU = "nvidia.com/gpu";
    static final String DATA = "/data";

    /** Read from configuration, not injected: JOSDK, not CDI, may construct dependents (a second operator instance does). */
    private final OperatorConfig config = OperatorConfig.current();

    @Override
    protected Job desired(OrcaExperiment experiment, Context<OrcaExperiment> context) {
        OrcaExperimentSpec spec = experiment.getSpec();
        OrcaExperimentSpec.Resources resources = spec.resources == null ? new OrcaExperimentSpec.Resources() : spec.resources;
        OrcaExperimentSpec.RunPolicy policy = spec.runPolicy == null ? new OrcaExperimentSpec.RunPolicy() : spec.runPolicy;
        String name = Names.trainer(experiment);
        String namespace = experiment.getMetadata().getNamespace();

        Map<String, Quantity> requests = new LinkedHashMap<>();
        requests.put("cpu", new Quantity(resources.cpu));
        requests.put("memory", new Quantity(resources.memory));
        Map<String, Quantity> limits = new LinkedHashMap<>(requests);
        if (resources.gpus > 0) {
            limits.put(GPU, new Quantity(Integer.toString(resources.gpus)));
        }
        String image = spec.image != null ? spec.image : resources.gpus > 0 ? config.trainerImage() : config.trainerCpuImage();

        List<Volume> volumes = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName("experiment").withNewConfigMap().withName(Names.spec(experiment)).endConfigMap().build());
        String claim = spec.storage == null ? null : spec.storage.claimName;
        volumes.add(claim != null
                ? new VolumeBuilder().withName("data").withNewPersistentVolumeClaim().withClaimName(claim).endPersistentVolumeClaim().build()
                : new VolumeBuilder().withName("data").withNewEmptyDir().endEmptyDir().build());
        // The root filesystem is read-only: libtorch's extraction and temporary files go here.
        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());

        List<EnvVar> env = List.of(
                new EnvVarBuilder().withName(ProgressReport.ENV_CONFIG_MAP).withValue(Names.progress(experiment)).build(),
                new EnvVarBuilder().withName(ProgressReport.ENV_NAMESPACE).withNewValueFrom().withNewFieldRef()
                        .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().build(),
                new EnvVarBuilder().withName("ORCA_CACHE_DIR").withValue(DATA + "/.cache/orca").build(),
                new EnvVarBuilder().withName("ORCA_MODEL_DIR").withValue(DATA + "/models").build(),
                new EnvVarBuilder().withName("DJL_CACHE_DIR").withValue("/tmp/djl").build(),
                new EnvVarBuilder().withName("HOME").withValue("/tmp").build());

        long uid = config.trainerUid();
        return new JobBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(Names.labels(experiment, "trainer")).endMetadata()
                .withNewSpec()
                .withBackoffLimit(policy.backoffLimit)
                .withActiveDeadlineSeconds(policy.activeDeadlineSeconds)
                .withTtlSecondsAfterFinished(policy.ttlSecondsAfterFinished == null ? null : policy.ttlSecondsAfterFinished.intValue())
                .withSuspend(policy.suspend)
                .withNewTemplate()
                .withNewMetadata().withLabels(Names.labels(experiment, "trainer")).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withServiceAccountName(name)
                .withAutomountServiceAccountToken(true)
                .withNodeSelector(resources.nodeSelector.isEmpty() ? null : resources.nodeSelector)
                .withTolerations(resources.tolerations.stream().map(TrainerJob::toleration).toList())
                .withPriorityClassName(resources.priorityClassName)
                .withNewSecurityContext()
                .withRunAsNonRoot(true).withRunAsUser(uid).withRunAsGroup(uid).withFsGroup(uid)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withContainers(new ContainerBuilder()
                        .withName("trainer")
                        .withImage(image)
                        .withImagePullPolicy(config.imagePullPolicy())
                        .withArgs("run", Names.SPEC_DIR + "/" + Names.SPEC_FILE, "--out", DATA + "/" + Names.resultsPath(experiment))
                        .withEnv(env)
                        .withNewResources().withRequests(requests).withLimits(limits).endResources()
                        .withNewSecurityContext()
                        .withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true).withRunAsNonRoot(true)
                        .withNewCapabilities().withDrop("ALL").endCapabilities()
                        .endSecurityContext()
                        .addNewVolumeMount().withName("experiment").withMountPath(Names.SPEC_DIR).withReadOnly(true).endVolumeMount()
                        .addNewVolumeMount().withName("data").withMountPath(DATA).endVolumeMount()
                        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                        .withTerminationMessagePolicy("FallbackToLogsOnError")
                        .build())
                .withVolumes(volumes)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static Toleration toleration(Map<String, String> t) {
        return new TolerationBuilder().withKey(t.get("key")).withOperator(t.get("operator")).withValue(t.get("value"))
                .withEffect(t.get("effect"))
                .withTolerationSeconds(t.containsKey("tolerationSeconds") ? Long.valueOf(t.get("tolerationSeconds")) : null).build();
    }

    @Override
    public Matcher.Result<Job> match(Job actual, OrcaExperiment primary, Context<OrcaExperiment> context) {
        Job desired = desired(primary, context);
        return Matcher.Result.computed(Objects.equals(actual.getSpec().getSuspend(), desired.getSpec().getSuspend()), desired);
    }

    @Override
    public Job update(Job actual, Job desired, OrcaExperiment primary, Context<OrcaExperiment> context) {
        return context.getClient().batch().v1().jobs().inNamespace(actual.getMetadata().getNamespace())
                .withName(actual.getMetadata().getName())
                .edit(job -> {
                    job.getSpec().setSuspend(desired.getSpec().getSuspend());
                    return job;
                });
    }
}
