package dev.orca.operator;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-experiment gauges {@code orca_experiment_otdd{name, namespace}} and {@code orca_experiment_metric{name,
 * namespace}}, read from one map when Prometheus scrapes. A Prometheus collector rather than a Micrometer gauge per
 * experiment and value: each of those costs its {@code Meter.Id}, tags and map entries in the composite registry and
 * again in the Prometheus one (at 10 000 experiments, 20 000 gauges and 40 000 ids); here an experiment costs its
 * map entry. The names and labels are what the Micrometer gauges published, so the chart's dashboard reads them unchanged.
 */
public final class ExperimentGauges extends Collector {
    static final String OTDD = "orca_experiment_otdd";
    static final String METRIC = "orca_experiment_metric";
    private static final List<String> LABELS = List.of("name", "namespace");

    /** One experiment's current values (NaN: none yet), replaced whole so that a scrape never sees half an update. */
    record Values(String namespace, String name, double otdd, double metric) {
    }

    private final Map<String, Values> values = new ConcurrentHashMap<>();

    void set(String key, String namespace, String name, double otdd, double metric) {
        Values now = new Values(namespace, name, otdd, metric);
        Values before = values.get(key);
        // Records compare doubles by their bits, so NaN equals NaN and an unchanged experiment writes nothing.
        if (!now.equals(before)) values.put(key, now);
    }

    void retainOnly(Set<String> keys) {
        values.keySet().retainAll(keys);
    }

    @Override
    public List<MetricFamilySamples> collect() {
        GaugeMetricFamily otdd = new GaugeMetricFamily(OTDD, "Current alignment distance of the experiment", LABELS);
        GaugeMetricFamily metric = new GaugeMetricFamily(METRIC, "Latest task metric of the experiment (lower is better)", LABELS);
        for (Values v : values.values()) {
            List<String> labels = List.of(v.name(), v.namespace());
            otdd.addMetric(labels, v.otdd());
            metric.addMetric(labels, v.metric());
        }
        return List.of(otdd, metric);
    }
}
