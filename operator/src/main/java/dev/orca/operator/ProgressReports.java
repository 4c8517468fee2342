package dev.orca.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.ProgressReport;
import dev.orca.operator.dependent.ProgressWriter;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.quarkus.logging.Log;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the progress ConfigMaps as the untrusted input they are (trainer pods run user code and write them): each
 * writer's report only from its own ConfigMap and under its own key, a value longer than a genuine report is skipped
 * unparsed, a malformed one is skipped, and each report is {@link ProgressReport#sanitized()}.
 * What is skipped is logged; the Jobs' outcomes still decide the experiment.
 */
final class ProgressReports {
    private ProgressReports() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Each writer's report, by its key, read from that writer's own ConfigMap only. */
    static Map<String, ProgressReport> read(java.util.Collection<ConfigMap> maps, OrcaExperiment experiment) {
        Map<String, ConfigMap> byName = new HashMap<>();
        maps.forEach(m -> byName.put(m.getMetadata().getName(), m));
        Map<String, ProgressReport> out = new HashMap<>();
        for (ProgressWriter writer : ProgressWriter.possible(experiment)) {
            ConfigMap map = byName.get(writer.configMap());
            if (map != null) {
                read(map, writer.key()).ifPresent(r -> out.put(writer.key(), r));
            }
        }
        return out;
    }

    /** The report under {@code key} in {@code map}; other keys are ignored (a writer can only hurt its own figures). */
    static java.util.Optional<ProgressReport> read(ConfigMap map, String key) {
        Map<String, String> data = map.getData() == null ? Map.of() : map.getData();
        if (data.size() > 1) {
            Log.warnf("%s: ignored %d entries that are not its writer's report", map.getMetadata().getName(),
                    data.size() - (data.containsKey(key) ? 1 : 0));
        }
        String json = data.get(key);
        if (json == null) {
            return java.util.Optional.empty();
        }
        if (json.length() > ProgressReport.MAX_JSON_CHARS) {
            Log.warnf("%s: the report under %s is %d characters, more than a report can be: ignored", map.getMetadata().getName(),
                    key, json.length());
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(JSON.readValue(json, ProgressReport.class).sanitized());
        } catch (JsonProcessingException ex) {
            Log.warnf("unreadable progress report %s in %s: %s", key, map.getMetadata().getName(),
                    ProgressReport.clip(ex.getOriginalMessage(), 200));
            return java.util.Optional.empty();
        }
    }
}
