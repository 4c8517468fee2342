package dev.orca.operator.fairness;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.ConfigurationService;
import io.quarkiverse.operatorsdk.runtime.QuarkusConfigurationService;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * One namespace's load cannot starve another's reconciling: the SDK's reconciliation threads take experiments
 * round-robin across namespaces ({@link NamespaceFairExecutor}) instead of in arrival order. As many threads as the SDK
 * would use ({@code quarkus.operator-sdk.concurrent-reconciliation-threads}, its default otherwise). A waiting task
 * keeps only its experiment's name ({@link ReconciliationTasks#withoutPrimary}): the SDK reads it anew when the task runs.
 *
 * <p>Installed before the operator starts (the SDK extension starts it at priority 3123) by restarting the SDK's executor
 * manager on a configuration that differs only in its executor, rather than through the extension's
 * {@code ConfigurationServiceCustomizer}: in quarkus-operator-sdk 7.7.3 a customized configuration no longer hands out
 * Quarkus's client (it does not delegate {@code getKubernetesClient}, and the SDK's default builds a new client from the
 * environment at each call), so the informers would watch some other server.
 */
@Singleton
public class FairReconciliation {
    private static final Logger LOG = Logger.getLogger(FairReconciliation.class);
    static final String THREADS_PROPERTY = "quarkus.operator-sdk.concurrent-reconciliation-threads";
    private volatile NamespaceFairExecutor executor;

    void install(@Observes @Priority(3000) StartupEvent start, QuarkusConfigurationService configuration, KubernetesClient client) {
        int threads = ConfigProvider.getConfig().getOptionalValue(THREADS_PROPERTY, Integer.class)
                .orElse(ConfigurationService.DEFAULT_RECONCILIATION_THREADS_NUMBER);
        var fair = new NamespaceFairExecutor(threads, "reconciler", ReconciliationTasks::namespaceOf,
                ReconciliationTasks::withoutPrimary);
        executor = fair;
        ConfigurationService withFairExecutor = ConfigurationService.newOverriddenConfigurationService(configuration,
                overrider -> overrider.withKubernetesClient(client).withExecutorService(fair));
        var executors = configuration.getExecutorServiceManager();
        executors.stop(Duration.ZERO); // its threads are made on first use: none has run yet
        executors.start(withFairExecutor);
        LOG.infof("Reconciling round-robin across namespaces on %d threads%s", threads,
                ReconciliationTasks.namespacesKnown() ? "" : " (not told apart: first come, first served)");
    }

    /** The executor the reconciliations run on, once installed. */
    public NamespaceFairExecutor executor() {
        return executor;
    }
}
