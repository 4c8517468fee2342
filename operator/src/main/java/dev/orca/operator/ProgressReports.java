package dev.orca.operator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.crd.OrcaExperiment;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.ProgressReport;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.quarkus.logging.Log;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the progress ConfigMap as the untrusted input it is (trainer pods run user code and may write it): only the
 * keys this experiment can have (its own run's, one per possible trial and candidate) are read, a value longer than
 * a genuine report is skipped unparsed, a malformed one is skipped, and each report is {@link ProgressReport#sanitized()}.
 * What is skipped is logged; the Jobs' outcomes still decide the experiment.
 */
final class ProgressReports {
    private ProgressReports() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    static Map<String, ProgressReport> read(ConfigMap map, OrcaExperiment experiment) {
        Map<String, ProgressReport> out = new HashMap<>();
        if (map == null || map.getData() == null) {
            return out;
        }
        OrcaExperimentSpec spec = experiment.getSpec();
        int trials = spec.search == null ? 0 : spec.search.trials;
        int candidates = spec.body == null || spec.body.candidates == null ? 0 : spec.body.candidates.size();
        Map<String, Boolean> expected = new HashMap<>();
        expected.put(ProgressReport.KEY, true);
        for (int t = 0; t < trials; t++) {
            expected.put(ProgressReport.trialKey(t), true);
        }
        for (int c = 0; c < candidates; c++) {
            expected.put(ProgressReport.candidateKey(c), true);
        }
        int ignored = 0;
        for (var e : map.getData().entrySet()) {
            String json = e.getValue();
            if (!expected.containsKey(e.getKey()) || json == null || json.length() > ProgressReport.MAX_JSON_CHARS) {
                ignored++;
                continue;
            }
            try {
                out.put(e.getKey(), JSON.readValue(json, ProgressReport.class).sanitized());
            } catch (JsonProcessingException ex) {
                Log.warnf("unreadable progress report %s in %s: %s", e.getKey(), map.getMetadata().getName(),
                        ProgressReport.clip(ex.getOriginalMessage(), 200));
            }
        }
        if (ignored > 0) {
            Log.warnf("%s: ignored %d progress entries that are not this experiment's reports or are too long",
                    map.getMetadata().getName(), ignored);
        }
        return out;
    }
}
