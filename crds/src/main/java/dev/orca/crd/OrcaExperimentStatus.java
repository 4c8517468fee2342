package dev.orca.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed of an experiment; written only by the operator. Value equality, so unchanged status is not written. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OrcaExperimentStatus {

    /** Bound on {@link Otdd#curve}: long alignments are thinned, the first and latest points kept. */
    public static final int OTDD_CURVE_POINTS = 50;

    public enum Phase {
        Pending, Queued, Selecting, Searching, Aligning, FineTuning, Evaluating, Comparing, Succeeded, Failed, Suspended;

        public boolean finished() {
            return this == Succeeded || this == Failed;
        }
    }

    @JsonPropertyDescription("Pending, Queued (Kueue holds the trainer Job; the Running condition says why), Selecting (body selection),"
            + " Searching (hyper-parameter search), Aligning, FineTuning, Evaluating, Comparing (the experiment's own run finished, the"
            + " runs of spec.compare not yet), Succeeded, Failed or Suspended.")
    public Phase phase;
    @JsonPropertyDescription("The trainer's current stage (preparing, aligning, fine-tuning, evaluating).")
    public String stage;
    @JsonPropertyDescription("Position within the current stage.")
    public Progress progress;
    @JsonPropertyDescription("Alignment distance (the configured alignment metric) at the start, now, and at the end of stage 2.")
    public Otdd otdd;
    @JsonPropertyDescription("Latest training loss.")
    public Double loss;
    @JsonPropertyDescription("The task metric: the test figure once finished.")
    public MetricValue metric;
    @JsonPropertyDescription("Where result.json, report.html and the checkpoints are: pvc://<claim>/<path>.")
    public String results;
    @JsonPropertyDescription("Trainer pod restarts so far (each resumes from the last checkpoint).")
    public Integer restarts;
    @JsonPropertyDescription("Trainer pods of the current Job ended by a disruption (evicted by the kubelet or the Eviction "
            + "API, preempted, lost with their node): each is replaced and resumes from the last checkpoint without counting "
            + "as a restart against runPolicy.backoffLimit.")
    public Integer disruptions;
    @JsonPropertyDescription("The trainer Job's name.")
    public String jobName;
    @JsonPropertyDescription("Conditions, each with the generation it describes: Complete (succeeded; kubectl wait"
            + " --for=condition=Complete), Failed (failed for good), Ready (succeeded, or why not yet), Running, SpecValid and"
            + " Stalled (a running trainer silent past progress.stallAfterSeconds: hung).")
    public List<Condition> conditions = new ArrayList<>();
    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;
    @JsonPropertyDescription("When the trainer Job started (RFC 3339).")
    public String startTime;
    @JsonPropertyDescription("When the experiment finished (RFC 3339).")
    public String completionTime;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Progress {
        @JsonPropertyDescription("1-based epoch within the stage.")
        public Integer epoch;
        @JsonPropertyDescription("Epochs of the stage.")
        public Integer epochs;
        @JsonPropertyDescription("Percent of the whole run (alignment and fine-tuning epochs).")
        public Integer percent;
        @JsonPropertyDescription("Estimated seconds until the run ends.")
        public Long etaSeconds;
        @JsonPropertyDescription("For people (kubectl get): percent and time left, e.g. '45% eta 4m10s'.")
        public String summary;
        @JsonPropertyDescription("When the operator first saw the trainer's latest report (RFC 3339).")
        public String lastUpdateTime;
        @JsonPropertyDescription("The latest report's sequence number (each report has a new one).")
        public Long reportSequence;
        @JsonPropertyDescription("How long the trainer may go without reporting before the Stalled condition is set: three"
                + " times its expected epoch time (from its own ETA), and at least the operator's floor.")
        public Long stallAfterSeconds;

    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Otdd {
        @JsonPropertyDescription("Before the first alignment step.")
        public Double initial;
        @JsonPropertyDescription("Latest value.")
        public Double current;
        @JsonPropertyDescription("After the last alignment epoch.")
        @JsonProperty("final")
        public Double finalValue;
        @JsonPropertyDescription("For people (kubectl get): from the first value to the latest, four significant figures, e.g. '100.3 -> 86.94'.")
        public String summary;
        @JsonPropertyDescription("Values per epoch, thinned to at most " + OTDD_CURVE_POINTS + " points.")
        public List<Double> curve = new ArrayList<>();

    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class MetricValue {
        @JsonPropertyDescription("NAS-Bench-360 metric name (lower is better).")
        public String name;
        @JsonPropertyDescription("Its value on the split below.")
        public Double value;
        @JsonPropertyDescription("validation or test.")
        public String split;
        @JsonPropertyDescription("The validation figure, when value is the test figure.")
        public Double validation;
        @JsonPropertyDescription("For people (kubectl get): name, value to four significant figures and split, e.g. 'zeroOneError 0.3800 (test)'.")
        public String summary;

    }

    /** Bound on {@link Search#trials}: the table keeps every trial (the budget is at most this), so no result is dropped. */
    public static final int MAX_TRIALS = 200;

    @JsonPropertyDescription("Body selection: each candidate's alignment Job and final distance, and the body chosen.")
    public Selection selection;
    @JsonPropertyDescription("Hyper-parameter search (ASHA): its rungs, the trial table and the best configuration.")
    public Search search;
    @JsonPropertyDescription("The paired comparison (spec.compare): every run by mode and seed, and each compared mode's gap.")
    public Comparison comparison;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Selection {
        @JsonPropertyDescription("Candidates in the spec's order.")
        public List<Candidate> candidates = new ArrayList<>();
        @JsonPropertyDescription("The body the experiment continues with: the smallest final alignment distance (ties: the earlier candidate).")
        public String chosen;
        @JsonPropertyDescription("Why that body, or why selection failed.")
        public String message;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Candidate {
        @JsonPropertyDescription("Checkpoint.")
        public String body;
        @JsonPropertyDescription("Running, Succeeded or Failed.")
        public String state;
        @JsonPropertyDescription("Alignment distance after the last alignment epoch.")
        public Double otdd;
        @JsonPropertyDescription("Its alignment Job.")
        public String jobName;
        @JsonPropertyDescription("Why it failed.")
        public String message;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Comparison {
        @JsonPropertyDescription("Every run: the experiment's own first, then the comparison's Jobs, by mode and seed.")
        public List<ComparedRun> runs = new ArrayList<>();
        @JsonPropertyDescription("Per compared mode, once its runs and the experiment's mode's runs have finished.")
        public List<Gap> gaps = new ArrayList<>();
        @JsonPropertyDescription("A summary for people.")
        public String message;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ComparedRun {
        @JsonPropertyDescription("Mode.")
        public String mode;
        @JsonPropertyDescription("Seed.")
        public Long seed;
        @JsonPropertyDescription("Running, Succeeded or Failed.")
        public String state;
        @JsonPropertyDescription("The test figure (the task metric).")
        public Double test;
        @JsonPropertyDescription("Its Job.")
        public String jobName;
        @JsonPropertyDescription("Why it failed.")
        public String message;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Gap {
        @JsonPropertyDescription("The compared mode: the gap is the experiment's mode minus this one, on the same seeds.")
        public String mode;
        @JsonPropertyDescription("Seeds on which both modes finished.")
        public Integer seeds;
        @JsonPropertyDescription("Mean of the per-seed differences (negative: the experiment's mode has the lower error).")
        public Double mean;
        @JsonPropertyDescription("Their standard deviation.")
        public Double std;
        @JsonPropertyDescription("Lower end of the mean's 95 % Student-t interval.")
        public Double low;
        @JsonPropertyDescription("Upper end of that interval.")
        public Double high;
        @JsonPropertyDescription("better (the interval is below zero), worse (above) or unresolved (it holds zero).")
        public String verdict;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Search {
        @JsonPropertyDescription("Running, Succeeded (a best configuration exists) or Failed (every trial failed).")
        public String state;
        @JsonPropertyDescription("Epochs of each ASHA rung, lowest first.")
        public List<Integer> rungs = new ArrayList<>();
        @JsonPropertyDescription("Configurations the search will try (the budget, capped at the space's size).")
        public Integer budget;
        @JsonPropertyDescription("Every trial started so far, by id.")
        public List<Trial> trials = new ArrayList<>();
        @JsonPropertyDescription("The best trial at the highest rung reached; the experiment runs with its configuration.")
        public Integer best;
        @JsonPropertyDescription("A summary for people.")
        public String message;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Trial {
        @JsonPropertyDescription("Index of the configuration in the seeded order of the space.")
        public Integer id;
        @JsonPropertyDescription("Effective batch size (finetune.batchSize x gradient accumulation).")
        public Integer batchSize;
        @JsonPropertyDescription("sgd, adam or adamw.")
        public String optimizer;
        @JsonPropertyDescription("Peak learning rate.")
        public Double lr;
        @JsonPropertyDescription("Weight decay.")
        public Double weightDecay;
        @JsonPropertyDescription("Running (a rung's Job runs), Waiting (may still be promoted), Completed (top rung), Stopped (not promoted"
                + " when the search ended) or Failed.")
        public String state;
        @JsonPropertyDescription("The rung it runs or last finished.")
        public Integer rung;
        @JsonPropertyDescription("Validation metric at the end of each rung reached.")
        public List<Double> results = new ArrayList<>();
        @JsonPropertyDescription("Why it failed.")
        public String message;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper TREE = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The condition of this type, if the status has one. */
    public java.util.Optional<Condition> condition(String type) {
        return conditions == null ? java.util.Optional.empty() : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    /**
     * Value equality through the JSON tree the API server would store, so that a field added later cannot be
     * forgotten by a hand-written comparison (the reconciler writes the status only when it changed).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof OrcaExperimentStatus s && TREE.valueToTree(this).equals(TREE.valueToTree(s));
    }

    @Override
    public int hashCode() {
        return TREE.valueToTree(this).hashCode();
    }
}
