package dev.orca.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** What the cluster administrator sets for every experiment ({@code orca.operator.*}, or ORCA_OPERATOR_* variables). */
@ConfigMapping(prefix = "orca.operator")
public interface OperatorConfig {

    /** The configured values, for objects that are not CDI beans. */
    static OperatorConfig current() {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig().unwrap(io.smallrye.config.SmallRyeConfig.class)
                .getConfigMapping(OperatorConfig.class);
    }

    /** Trainer image when an experiment names none: this release's (OperatorDefaultsTest keeps it at the chart's appVersion). */
    @WithDefault("ghcr.io/orca-dev/orca-trainer:0.1.0")
    String trainerImage();

    /** Trainer image for experiments without GPUs (the CPU libtorch build). */
    @WithDefault("ghcr.io/orca-dev/orca-trainer-cpu:0.1.0")
    String trainerCpuImage();

    @WithDefault("IfNotPresent")
    String imagePullPolicy();

    /**
     * Secrets for pulling the trainer images (the chart's imagePullSecrets, the operator's own), named in every trainer,
     * trial and candidate pod: a private registry needs them in each experiment's namespace as well.
     */
    java.util.Optional<java.util.List<String>> imagePullSecrets();

    /** Upper bound on {@code spec.resources.gpus}; an experiment asking for more fails validation instead of pending forever. */
    @WithDefault("8")
    int maxGpusPerExperiment();

    /** Whether each experiment gets a NetworkPolicy that confines its pods to the API server and DNS. */
    @WithDefault("true")
    boolean networkPolicy();

    /**
     * Where the API server is, for that NetworkPolicy, when the administrator says so (ports 443 and 6443); unset, the
     * kubernetes Service's endpoints are used.
     */
    java.util.Optional<java.util.List<String>> networkPolicyApiServerCidrs();

    /**
     * Where experiment trackers (spec.tracking) live, for that NetworkPolicy: an experiment that tracks may reach these
     * CIDRs on its tracker URL's port. Unset, only a tracker URL whose host is an IP address is reachable (a NetworkPolicy
     * matches addresses, not names).
     */
    java.util.Optional<java.util.List<String>> networkPolicyTrackerCidrs();

    /**
     * What any namespace's tenant policy allows beyond the chart's own trainer images (repositories, or prefixes ending
     * in '/'), and the priority classes, toleration keys and nodeSelector keys any namespace may use: the operator's own
     * ceiling behind the API server's per-namespace admission policy (the chart passes the union of its tenantPolicy).
     */
    java.util.Optional<java.util.List<String>> allowedImages();

    java.util.Optional<java.util.List<String>> allowedPriorityClasses();

    java.util.Optional<java.util.List<String>> allowedTolerationKeys();

    java.util.Optional<java.util.List<String>> allowedNodeSelectorKeys();

    /** The trainer's user id (the images run as this non-root user). */
    @WithDefault("1000")
    long trainerUid();

    /**
     * Whether the replicas elect a leader on a Lease ({@link LeaderElection}; only in the prod profile): off for one
     * replica, or for a process that must outlive an API server outage longer than the renew deadline.
     */
    @WithDefault("true")
    boolean leaderElection();

    /** The Lease's name (the chart: the Deployment's). */
    @WithDefault("orca-operator")
    String leaseName();

    /** The Lease's namespace (the chart: the release's); unset, the client's own. */
    java.util.Optional<String> leaseNamespace();

    /** How long an informer may be without a watch before liveness fails ({@code health/InformerLiveness}). */
    @WithName("liveness.informer-grace")
    @WithDefault("PT2M")
    java.time.Duration livenessInformerGrace();

    /**
     * The shortest silence after which a running trainer counts as stalled (the Stalled condition; the bound is three
     * times its epoch time when that is longer). ISO-8601.
     */
    @WithName("stall-floor")
    @WithDefault("PT10M")
    java.time.Duration stallFloor();
}
