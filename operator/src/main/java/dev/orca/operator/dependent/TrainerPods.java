package dev.orca.operator.dependent;

import dev.orca.operator.plan.Names;

import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.ProgressReport;
import dev.orca.crd.TrainerCommand;
import dev.orca.crd.TrainerExit;
import dev.orca.operator.config.OperatorConfig;
import dev.orca.operator.kueue.KueueLabels;
import dev.orca.operator.kueue.KueueWorkloads;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeProjectionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one trainer Job template: the experiment's own run, each search trial's rung and each body-selection
 * alignment are the same pod (image, resources, volume, hardened security context, the spec as a mounted file)
 * with different arguments and a progress key of their own.
 */
public final class TrainerPods {
    public static final String GPU = "nvidia.com/gpu";
    static final String DATA = "/data";
    static final String CONTAINER = "trainer";
    /** Where in-cluster clients (Fabric8's included) look for the ServiceAccount's token, CA and namespace. */
    static final String TOKEN_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
    /** The API's minimum; the kubelet renews the token at 80 % of its life and Fabric8 rereads the file on a 401. */
    static final long TOKEN_SECONDS = 600;
    /** libtorch (about 1 GiB unpacked) and temporary files. */
    static final String TMP_SIZE = "8Gi";
    /** An experiment without a claim keeps its results and checkpoints here, for the pod's lifetime. */
    static final String DATA_SIZE = "32Gi";

    private TrainerPods() {}

    /**
     * The tracker's credentials from the experiment's Secret, as the environment variables MLflow's clients read; each key
     * optional (a basic-auth Secret has no token, a token Secret no password). The admission policy lets only a user who
     * may read the Secret name it, so the trainer cannot be made to carry someone else's credentials to a tracker.
     */
    static List<EnvVar> trackerCredentials(OrcaExperimentSpec spec) {
        if (spec.tracking == null || spec.tracking.mlflow == null || spec.tracking.mlflow.credentialsSecret == null) {
            return List.of();
        }
        List<String> names = List.of(OrcaExperimentSpec.Mlflow.ENV_USERNAME, OrcaExperimentSpec.Mlflow.ENV_PASSWORD,
                OrcaExperimentSpec.Mlflow.ENV_TOKEN);
        List<EnvVar> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            out.add(new EnvVarBuilder().withName(names.get(i)).withNewValueFrom().withNewSecretKeyRef()
                    .withName(spec.tracking.mlflow.credentialsSecret).withKey(OrcaExperimentSpec.Mlflow.SECRET_KEYS.get(i))
                    .withOptional(true).endSecretKeyRef().endValueFrom().build());
        }
        return out;
    }

    static Job job(OrcaExperiment experiment, OperatorConfig config, String name, Map<String, String> labels, List<String> args,
                   ProgressWriter writer) {
        OrcaExperimentSpec spec = experiment.getSpec();
        OrcaExperimentSpec.Resources resources = spec.resources == null ? new OrcaExperimentSpec.Resources() : spec.resources;
        OrcaExperimentSpec.RunPolicy policy = spec.runPolicy == null ? new OrcaExperimentSpec.RunPolicy() : spec.runPolicy;
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
                : new VolumeBuilder().withName("data").withNewEmptyDir().withSizeLimit(new Quantity(DATA_SIZE)).endEmptyDir().build());
        // The root filesystem is read-only: libtorch's extraction and temporary files go here. Bounded, so that a run cannot
        // fill the node's disk (the kubelet evicts the pod past the limit).
        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().withSizeLimit(new Quantity(TMP_SIZE)).endEmptyDir().build());
        // The progress channel's credentials, mounted into the trainer container only (automounting is off): a bound,
        // projected token the kubelet renews, valid for minutes rather than the year of a legacy token.
        volumes.add(new VolumeBuilder().withName("api-token").withNewProjected().withSources(
                new VolumeProjectionBuilder().withNewServiceAccountToken().withPath("token").withExpirationSeconds(TOKEN_SECONDS)
                        .endServiceAccountToken().build(),
                new VolumeProjectionBuilder().withNewConfigMap().withName("kube-root-ca.crt")
                        .addNewItem().withKey("ca.crt").withPath("ca.crt").endItem().endConfigMap().build(),
                new VolumeProjectionBuilder().withNewDownwardAPI().addNewItem().withPath("namespace").withNewFieldRef()
                        .withFieldPath("metadata.namespace").endFieldRef().endItem().endDownwardAPI().build()).endProjected().build());

        List<EnvVar> env = new ArrayList<>(List.of(
                new EnvVarBuilder().withName(ProgressReport.ENV_CONFIG_MAP).withValue(writer.configMap()).build(),
                new EnvVarBuilder().withName(ProgressReport.ENV_KEY).withValue(writer.key()).build(),
                new EnvVarBuilder().withName(ProgressReport.ENV_NAMESPACE).withNewValueFrom().withNewFieldRef()
                        .withFieldPath("metadata.namespace").endFieldRef().endValueFrom().build(),
                new EnvVarBuilder().withName(TrainerCommand.ENV_CACHE_DIR).withValue(DATA + "/.cache/orca").build(),
                new EnvVarBuilder().withName("ORCA_MODEL_DIR").withValue(DATA + "/models").build(),
                new EnvVarBuilder().withName("DJL_CACHE_DIR").withValue("/tmp/djl").build(),
                new EnvVarBuilder().withName("HOME").withValue("/tmp").build(),
                // libtorch sizes its thread pool by the node's cores, not the pod's CPU limit; parallel trial pods on one
                // node would each spin that many OpenMP threads (measured here: two processes on two cores ran 5-10x slower).
                new EnvVarBuilder().withName("OMP_NUM_THREADS").withValue(Integer.toString(threads(resources.cpu))).build(),
                new EnvVarBuilder().withName(TrainerCommand.ENV_RUN_NAME).withValue(name).build()));
        env.addAll(trackerCredentials(spec));

        long uid = config.trainerUid();
        Map<String, String> jobLabels = new LinkedHashMap<>(labels);
        jobLabels.putAll(KueueLabels.forJob(experiment));
        return new JobBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(jobLabels).endMetadata()
                .withNewSpec()
                .withBackoffLimit(policy.backoffLimit)
                .withActiveDeadlineSeconds(policy.activeDeadlineSeconds)
                .withTtlSecondsAfterFinished(policy.ttlSecondsAfterFinished == null ? null : policy.ttlSecondsAfterFinished.intValue())
                // Under Kueue a Job starts suspended and only Kueue, on admission, starts it.
                .withSuspend(policy.suspend || KueueLabels.queued(experiment))
                // Invalid input fails the Job at once (another attempt reads the same input); an eviction or preemption
                // (DisruptionTarget) does not count against the backoff limit; every other failure, OOMKilled included,
                // is retried from the checkpoint up to runPolicy.backoffLimit, and the status names what ended the last pod.
                .withNewPodFailurePolicy()
                .addNewRule().withAction("FailJob").withNewOnExitCodes().withContainerName(CONTAINER).withOperator("In")
                .withValues(TrainerExit.INVALID_INPUT).endOnExitCodes().endRule()
                .addNewRule().withAction("Ignore").addNewOnPodCondition().withType("DisruptionTarget").withStatus("True")
                .endOnPodCondition().endRule()
                .endPodFailurePolicy()
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withServiceAccountName(writer.identity())
                .withAutomountServiceAccountToken(false)
                .withImagePullSecrets(config.imagePullSecrets().orElse(List.of()).stream().map(LocalObjectReference::new).toList())
                .withNodeSelector(resources.nodeSelector.isEmpty() ? null : resources.nodeSelector)
                .withTolerations(resources.tolerations.stream().map(TrainerPods::toleration).toList())
                .withPriorityClassName(resources.priorityClassName)
                .withNewSecurityContext()
                .withRunAsNonRoot(true).withRunAsUser(uid).withRunAsGroup(uid).withFsGroup(uid)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withContainers(new ContainerBuilder()
                        .withName(CONTAINER)
                        .withImage(image)
                        .withImagePullPolicy(config.imagePullPolicy())
                        .withArgs(args)
                        .withEnv(env)
                        .withNewResources().withRequests(requests).withLimits(limits).endResources()
                        .withNewSecurityContext()
                        .withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true).withRunAsNonRoot(true)
                        .withNewCapabilities().withDrop("ALL").endCapabilities()
                        .endSecurityContext()
                        .addNewVolumeMount().withName("experiment").withMountPath(Names.SPEC_DIR).withReadOnly(true).endVolumeMount()
                        .addNewVolumeMount().withName("data").withMountPath(DATA).endVolumeMount()
                        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                        .addNewVolumeMount().withName("api-token").withMountPath(TOKEN_DIR).withReadOnly(true).endVolumeMount()
                        .withTerminationMessagePolicy("FallbackToLogsOnError")
                        .build())
                .withVolumes(volumes)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static boolean suspendedBySpec(OrcaExperiment experiment) {
        return experiment.getSpec().runPolicy != null && experiment.getSpec().runPolicy.suspend;
    }

    /** Whole CPUs of the pod's limit, at least one. */
    static int threads(String cpu) {
        double cores = Quantity.getAmountInBytes(new Quantity(cpu)).doubleValue();
        return Math.max(1, (int) Math.ceil(cores - 1e-9));
    }

    private static Toleration toleration(OrcaExperimentSpec.Toleration t) {
        return new TolerationBuilder().withKey(t.key).withOperator(t.operator).withValue(t.value).withEffect(t.effect)
                .withTolerationSeconds(t.tolerationSeconds).build();
    }

    /**
     * A Job's pod template is immutable and so is the experiment's spec: only suspension may change on a running Job. Under
     * Kueue the Job's own suspend flag is Kueue's (it holds a queued Job suspended and starts it on admission; the operator
     * never undoes that): runPolicy.suspend deactivates the Job's Workload instead.
     */
    static Matcher.Result<Job> matchSuspension(OrcaExperiment experiment, Context<OrcaExperiment> context, Job actual, Job desired) {
        if (KueueLabels.queued(experiment)) {
            boolean wantActive = !suspendedBySpec(experiment);
            boolean matched = KueueWorkloads.active(context.getClient(), actual).map(active -> active == wantActive).orElse(true);
            return Matcher.Result.computed(matched, desired);
        }
        return Matcher.Result.computed(Objects.equals(actual.getSpec().getSuspend(), desired.getSpec().getSuspend()), desired);
    }

    static Job updateSuspension(OrcaExperiment experiment, Context<OrcaExperiment> context, Job actual, Job desired) {
        if (KueueLabels.queued(experiment)) {
            KueueWorkloads.setActive(context.getClient(), actual, !suspendedBySpec(experiment));
            return actual;
        }
        return context.getClient().batch().v1().jobs().inNamespace(actual.getMetadata().getNamespace())
                .withName(actual.getMetadata().getName())
                .edit(job -> {
                    job.getSpec().setSuspend(desired.getSpec().getSuspend());
                    return job;
                });
    }
}
