package dev.orca.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator observed of an experiment; written only by the operator. Value equality, so unchanged status is not written. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OrcaExperimentStatus {

    /** Bound on {@link Otdd#curve}: long alignments are thinned, the first and latest points kept. */
    public static final int OTDD_CURVE_POINTS = 50;

    public enum Phase {
        Pending, Aligning, FineTuning, Evaluating, Succeeded, Failed, Suspended;

        public boolean finished() {
            return this == Succeeded || this == Failed;
        }
    }

    @JsonPropertyDescription("Pending, Aligning, FineTuning, Evaluating, Succeeded, Failed or Suspended.")
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
    @JsonPropertyDescription("The trainer Job's name.")
    public String jobName;
    @JsonPropertyDescription("Ready (the experiment succeeded), Running, Failed and SpecValid conditions.")
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

        @Override
        public boolean equals(Object o) {
            return o instanceof Progress p && Objects.equals(epoch, p.epoch) && Objects.equals(epochs, p.epochs)
                    && Objects.equals(percent, p.percent) && Objects.equals(etaSeconds, p.etaSeconds);
        }

        @Override
        public int hashCode() {
            return Objects.hash(epoch, epochs, percent, etaSeconds);
        }
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
        @JsonPropertyDescription("Values per epoch, thinned to at most " + OTDD_CURVE_POINTS + " points.")
        public List<Double> curve = new ArrayList<>();

        @Override
        public boolean equals(Object o) {
            return o instanceof Otdd d && Objects.equals(initial, d.initial) && Objects.equals(current, d.current)
                    && Objects.equals(finalValue, d.finalValue) && Objects.equals(curve, d.curve);
        }

        @Override
        public int hashCode() {
            return Objects.hash(initial, current, finalValue, curve);
        }
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

        @Override
        public boolean equals(Object o) {
            return o instanceof MetricValue m && Objects.equals(name, m.name) && Objects.equals(value, m.value)
                    && Objects.equals(split, m.split) && Objects.equals(validation, m.validation);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, value, split, validation);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OrcaExperimentStatus s && phase == s.phase && Objects.equals(stage, s.stage)
                && Objects.equals(progress, s.progress) && Objects.equals(otdd, s.otdd) && Objects.equals(loss, s.loss)
                && Objects.equals(metric, s.metric) && Objects.equals(results, s.results) && Objects.equals(restarts, s.restarts)
                && Objects.equals(jobName, s.jobName) && Objects.equals(conditions, s.conditions)
                && Objects.equals(observedGeneration, s.observedGeneration) && Objects.equals(startTime, s.startTime)
                && Objects.equals(completionTime, s.completionTime);
    }

    @Override
    public int hashCode() {
        return Objects.hash(phase, stage, progress, otdd, loss, metric, results, restarts, jobName, conditions, observedGeneration,
                startTime, completionTime);
    }
}
