package dev.orca.operator;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The operator SDK's reconciliation metrics. quarkus-operator-sdk 7.7.3 publishes none in the packaged (prod)
 * app unless a Metrics bean exists (fixed upstream in 7.8.0, not obtainable here); PackagedMetricsIT checks it.
 */
public class OperatorMetrics {

    @Produces
    @Singleton
    Metrics reconciliationMetrics(MeterRegistry registry) {
        return MicrometerMetricsV2.newBuilder(registry).build();
    }
}
