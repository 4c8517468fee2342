package dev.orca.operator.health;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * The operator is alive while its informers see the cluster: {@code /q/health/live} goes DOWN, and the kubelet restarts
 * the pod, once an informer has been without a watch for {@code orca.operator.liveness.informer-grace} (the SDK's own
 * check is readiness only, and a process whose caches went blind would otherwise stay UP and reconcile nothing).
 */
@Liveness
@ApplicationScoped
public class InformerLiveness implements HealthCheck {
    static final String NAME = "informers";

    private final Operator operator;
    private final InformerWatch watch;
    private final Clock clock = Clock.systemUTC();

    public InformerLiveness(Operator operator, dev.orca.operator.config.OperatorConfig config) {
        this.operator = operator;
        this.watch = new InformerWatch(config.livenessInformerGrace());
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"}) // the SDK's health accessors return raw types
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        if (!operator.getRuntimeInfo().isStarted()) {
            return response.up().withData("state", "starting").build(); // the startup probe covers this phase
        }
        List<InformerWatch.Informer> informers = new ArrayList<>();
        for (RegisteredController<?> controller : operator.getRuntimeInfo().getRegisteredControllers()) {
            Map<String, InformerWrappingEventSourceHealthIndicator> sources =
                    controller.getControllerHealthInfo().informerEventSourceHealthIndicators();
            sources.forEach((source, indicator) -> {
                Map<String, InformerHealthIndicator> byNamespace = indicator.informerHealthIndicators();
                byNamespace.forEach((namespace, informer) -> informers.add(
                        new InformerWatch.Informer(source + "@" + namespace, informer.isRunning(), informer.isWatching())));
            });
        }
        Map<String, java.time.Instant> overdue = watch.overdue(informers, clock.instant());
        response.withData("informers", informers.size());
        overdue.forEach((name, since) -> response.withData(name, "no watch since " + since));
        return (overdue.isEmpty() ? response.up() : response.down()).build();
    }
}
