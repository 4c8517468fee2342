package dev.orca.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a user asks for: one ORCA experiment. The same object is the {@code spec} of an
 * {@code OrcaExperiment} resource and the document {@code orca run} reads; plain classes with public
 * fields so that Jackson, the CRD generator and the trainer see the same shape.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)

@ValidationRule(value = "((has(self.mode) && !(self.mode in ['orca', 'orca-layernorm'])) && (!has(self.compare)"
        + " || !self.compare.modes.exists(m, m in ['orca', 'orca-layernorm']))) || (has(self.source) && has(self.source.dataset))",
        message = "source.dataset is required when the mode or a compared mode aligns (orca, orca-layernorm)", fieldPath = ".source")
// Field-level "self == oldSelf" rules only run when the field existed before; this one stops adding or removing them.
@ValidationRule(value = "has(self.body) == has(oldSelf.body) && has(self.source) == has(oldSelf.source)"
        + " && has(self.mode) == has(oldSelf.mode) && has(self.alignment) == has(oldSelf.alignment)"
        + " && has(self.finetune) == has(oldSelf.finetune) && has(self.seed) == has(oldSelf.seed)"
        + " && has(self.search) == has(oldSelf.search) && has(self.compare) == has(oldSelf.compare)"
        + " && has(self.tracking) == has(oldSelf.tracking)",
        message = "body, source, mode, alignment, finetune, search, compare, tracking and seed are immutable once the experiment exists;"
                + " create a new OrcaExperiment")
@ValidationRule(value = "!has(self.body) || !has(self.body.candidates) || !has(self.mode) || self.mode in ['orca', 'orca-layernorm']",
        message = "body.candidates are chosen by their alignment distance: the mode must align (orca, orca-layernorm)",
        fieldPath = ".body.candidates")
@ValidationRule(value = "!has(self.search) || !has(self.search.space) || !has(self.search.space.batchSizes)"
        + " || self.search.space.batchSizes.all(b, b % (has(self.finetune) && has(self.finetune.batchSize)"
        + " ? self.finetune.batchSize : " + OrcaExperimentSpec.Finetune.DEFAULT_BATCH_SIZE + ") == 0)",
        message = "search.space.batchSizes must be multiples of finetune.batchSize (they are reached by gradient accumulation)",
        fieldPath = ".search.space.batchSizes")
@ValidationRule(value = "!has(self.search) || (has(self.task.data.validationFraction) && double(self.task.data.validationFraction) > 0.0)",
        message = "search ranks trials on the validation split: set task.data.validationFraction > 0 (the default 0 trains on"
                + " the whole training split, as the official code)", fieldPath = ".task.data.validationFraction")
@ValidationRule(value = "!has(self.compare) || !((has(self.mode) ? self.mode : 'orca') in self.compare.modes)",
        message = "compare.modes are compared with mode: list the other modes only", fieldPath = ".compare.modes")
@ValidationRule(value = "!has(self.compare) || (!has(self.search) && (!has(self.body) || !has(self.body.candidates)))",
        message = "compare runs the experiment as written in each mode and does not combine with search or body.candidates;"
                + " compare the configuration they chose in an experiment of its own", fieldPath = ".compare")
public class OrcaExperimentSpec {

    /** CEL rule for what must not change once an experiment exists: a different experiment is a new resource. */
    static final String IMMUTABLE = "self == oldSelf";
    static final String IMMUTABLE_MESSAGE = "is immutable once the experiment exists; create a new OrcaExperiment";
    /** Built-in generators and file formats: one list each, for the schema and for {@link SpecValidation}. */
    public static final String GENERATOR_PATTERN = "^(darcy-flow|listops|spherical-mnist|spherical-fashion-mnist)$";
    public static final String FORMAT_PATTERN = "^(npz|npy|idx|csv|cifar|json)$";
    /**
     * A non-negative Kubernetes quantity, exactly as resource.Quantity parses one (a number, then a binary suffix Ki..Ei,
     * a decimal suffix n, u, m, k, M..E, or an exponent); the looser pattern of the API's own OpenAPI admits "1.2.3",
     * which then fails Job creation forever.
     */
    static final String QUANTITY_PATTERN = "^([0-9]+([.][0-9]*)?|[.][0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$";
    /**
     * Caps on what scales the operator's or the trainer's work per experiment (the admitted maximum is what a reconcile
     * and a trainer must be able to take): epochs, examples, list lengths, and the values per example.
     */
    public static final int MAX_EPOCHS = 1000;
    public static final int MAX_SAMPLES = 10_000_000;
    public static final long MAX_AXIS = 1L << 20;
    public static final long MAX_VALUES_PER_EXAMPLE = 1L << 27;

    @JsonPropertyDescription("The target task: its data, shape, type and metric.")
    @Required
    @ValidationRule(value = IMMUTABLE, message = IMMUTABLE_MESSAGE)
    public Task task = new Task();

    @JsonPropertyDescription("The pretrained transformer body.")
    @ValidationRule(value = IMMUTABLE, message = IMMUTABLE_MESSAGE)
    public Body body = new Body();

    @JsonPropertyDescription("Proxy source data for alignment, embedded by the body's own embedding layer.")
    @ValidationRule(value = IMMUTABLE, message = IMMUTABLE_MESSAGE)
    public Source source = new Source();

    @JsonPropertyDescription("Stage 1: the task embedder f (text bodies) that turns the task's inputs into the body's tokens.")
    @ValidationRule(value = IMMUTABLE, message = IMMUTABLE_MESSAGE)
    public Embedder embedder = new Embedder();

    @JsonPropertyDescription("orca (align then fine-tune everything), orca-layernorm (align, then train only LayerNorms),"
            + " finetune (no alignment), finetune-layernorm (the FPT setting), scratch (randomly initialised body).")
    @ValidationRule(value = IMMUTABLE, message = IMMUTABLE_MESSAGE)
    public Mode mode = Mode.ORCA;

    @JsonPropertyDescription("Stage 2: embedder-only training on the alignment metric.")
    @ValidationRule(value = IMMUTABLE, message = IMMUTABLE_MESSAGE)
    public Alignment alignment = new Alignment();

    @JsonPropertyDescription("Stage 3: training on the task loss.")
    @ValidationRule(value = IMMUTABLE, message = IMMUTABLE_MESSAGE)
    public Finetune finetune = new Finetune();

    @JsonPropertyDescription("Seed for data splits, initialisation, sampling and dropout.")
    @Min(0)
    @ValidationRule(value = IMMUTABLE, message = IMMUTABLE_MESSAGE)
    public long seed = 0;

    @JsonPropertyDescription("Hyper-parameter search (ASHA) over the fine-tuning configuration, run before the experiment;"
            + " the experiment then runs with the best configuration found.")
    @ValidationRule(value = IMMUTABLE, message = IMMUTABLE_MESSAGE)
    public Search search;

    @JsonPropertyDescription("The paired comparison: the experiment also runs on compare.seeds seeds (seed, seed + 1, ...) in its"
            + " mode and in each of compare.modes, each run a Job of its own on the same splits, and status.comparison gives each"
            + " compared mode's gap (this mode minus that one, seed by seed) with its spread: whether alignment paid on this task.")
    @ValidationRule(value = IMMUTABLE, message = IMMUTABLE_MESSAGE)
    public Compare compare;

    @JsonPropertyDescription("Experiment tracking: the trainer logs the run's parameters, curves, test figure and report to an"
            + " MLflow tracking server. A tracker that cannot be reached costs a warning, never the run.")
    @ValidationRule(value = IMMUTABLE, message = IMMUTABLE_MESSAGE)
    public Tracking tracking;

    @JsonPropertyDescription("Trainer container image; the operator's default when empty.")
    @Size(max = 512)
    public String image;

    @JsonPropertyDescription("Compute resources of the trainer pod.")
    public Resources resources = new Resources();

    @JsonPropertyDescription("Persistent volume for data, checkpoints and the source-feature cache.")
    public Storage storage = new Storage();

    @JsonPropertyDescription("Job policy: retries, deadline, clean-up, suspension.")
    public RunPolicy runPolicy = new RunPolicy();

    /** The name a spec enum constant has in YAML (its {@code @JsonProperty}), for messages and results. */
    public static String wireName(Enum<?> constant) {
        try {
            JsonProperty property = constant.getDeclaringClass().getField(constant.name()).getAnnotation(JsonProperty.class);
            return property != null ? property.value() : constant.name();
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The five settings the ORCA paper compares. */
    public enum Mode {
        @JsonProperty("orca") ORCA,
        @JsonProperty("orca-layernorm") ORCA_LAYERNORM,
        @JsonProperty("finetune") FINETUNE,
        @JsonProperty("finetune-layernorm") FINETUNE_LAYERNORM,
        @JsonProperty("scratch") SCRATCH;

        public boolean aligns() {
            return this == ORCA || this == ORCA_LAYERNORM;
        }

        public boolean layerNormOnly() {
            return this == ORCA_LAYERNORM || this == FINETUNE_LAYERNORM;
        }
    }

    public enum TaskType {
        @JsonProperty("classification") CLASSIFICATION,
        @JsonProperty("multilabel") MULTILABEL,
        @JsonProperty("dense") DENSE
    }

    /** NAS-Bench-360's metrics; all lower is better. */
    public enum Metric {
        @JsonProperty("zeroOneError") ZERO_ONE_ERROR,
        @JsonProperty("oneMinusF1") ONE_MINUS_F1,
        @JsonProperty("oneMinusAuroc") ONE_MINUS_AUROC,
        @JsonProperty("oneMinusMap") ONE_MINUS_MAP,
        @JsonProperty("mae8") MAE8,
        @JsonProperty("relativeL2") RELATIVE_L2,
        @JsonProperty("nll") NLL
    }

    public enum Loss {
        @JsonProperty("crossEntropy") CROSS_ENTROPY,
        @JsonProperty("binaryCrossEntropy") BINARY_CROSS_ENTROPY,
        @JsonProperty("mse") MSE,
        /** Mean over examples of ‖prediction − truth‖₂ / ‖truth‖₂ (the official Darcy Flow loss, LpLoss.rel). */
        @JsonProperty("relativeL2") RELATIVE_L2,
        /** Focal loss, α Σ onehot (1 − p)^γ (−log p) (the official NinaPro loss). */
        @JsonProperty("focal") FOCAL
    }

    public enum AlignmentMetric {
        @JsonProperty("otdd-exact") OTDD_EXACT,
        @JsonProperty("otdd-gaussian") OTDD_GAUSSIAN,
        @JsonProperty("mmd") MMD,
        @JsonProperty("euclidean") EUCLIDEAN
    }

    /** How OTDD's point cost {@code ‖x − x'‖² + W(y, y')} is scaled. */
    public enum OtddPointCost {
        /** geomloss's p = 2 convention, ½ of both terms: what microsoft/otdd computes for ORCA. */
        @JsonProperty("halved") HALVED,
        /** Both terms in full: at the same ε, entropic regularisation relatively half as strong (Orca before 0.2). */
        @JsonProperty("full") FULL
    }

    /** How the Sinkhorn iterations of OTDD's transport problems run. */
    public enum SinkhornSchedule {
        /** geomloss's fixed ε-scaling from the data's diameter down to ε, then one full update (microsoft/otdd's). */
        @JsonProperty("annealed") ANNEALED,
        /** The same warm start, then iterations until the marginals are met to 1e-4 (slower; the entropic optimum). */
        @JsonProperty("converged") CONVERGED
    }

    public enum EmbedderLayerNorm {
        /** LayerNorm(conv(x)) + positions: the official Embeddings1D. */
        @JsonProperty("beforePositions") BEFORE_POSITIONS,
        /** LayerNorm(conv(x) + positions): as a BERT-family body embeds words. */
        @JsonProperty("afterPositions") AFTER_POSITIONS
    }

    public enum AlignmentRate {
        /** The embedder trains at fine-tuning's own rate: chosen on validation over six tasks (docs/results.md). */
        @JsonProperty("finetune") FINETUNE,
        /** Fine-tuning's rate x 10 while it is at most 1e-3, as the official code derives it (task_configs.py:311-314). */
        @JsonProperty("official") OFFICIAL
    }

    public enum EvaluatedModel {
        /** The epoch with the best validation figure (the official "[test best-validated]"). */
        @JsonProperty("bestValidated") BEST_VALIDATED,
        /** The model after the last epoch (the official "[test last]"). */
        @JsonProperty("lastEpoch") LAST_EPOCH
    }

    /** The arithmetic of fine-tuning's matrix products; parameters, optimizer state and everything else stay fp32. */
    public enum Precision {
        @JsonProperty("fp32") FP32,
        /**
         * The body's and predictor's matrix products take bfloat16 copies of their operands and return fp32, as PyTorch's
         * autocast runs them; the master weights, their gradients and AdamW's moments stay fp32.
         */
        @JsonProperty("bf16") BF16
    }

    public enum OptimizerName {
        @JsonProperty("sgd") SGD,
        @JsonProperty("adam") ADAM,
        @JsonProperty("adamw") ADAMW
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.type != 'dense' || has(self.outputShape)", message = "outputShape is required for dense tasks",
            fieldPath = ".outputShape")
    @ValidationRule(value = "self.type == 'dense' || has(self.numClasses)",
            message = "numClasses is required for classification and multilabel tasks", fieldPath = ".numClasses")
    @ValidationRule(value = "self.type != 'classification' || !has(self.numClasses) || self.numClasses >= 2",
            message = "classification needs numClasses >= 2", fieldPath = ".numClasses")
    @ValidationRule(value = "self.inputShape.all(d, d > 0)", message = "inputShape sizes must be positive", fieldPath = ".inputShape")
    // Each axis is capped (maximum below), so the product cannot overflow CEL's int64.
    @ValidationRule(value = "self.inputShape.all(d, d <= 1048576) && (size(self.inputShape) == 2"
            + " ? self.inputShape[0] * self.inputShape[1] : self.inputShape[0] * self.inputShape[1] * self.inputShape[2]) <= 134217728",
            message = "inputShape holds at most 2^27 values per example (each size at most 2^20)", fieldPath = ".inputShape")
    @ValidationRule(value = "!has(self.outputShape) || (size(self.outputShape) == size(self.inputShape)"
            + " && self.outputShape[0] > 0 && self.outputShape.all(d, d > 0)"
            + " && (size(self.inputShape) == 2 ? self.outputShape[1] == self.inputShape[1]"
            + " : self.outputShape[1] == self.inputShape[1] && self.outputShape[2] == self.inputShape[2]))",
            message = "outputShape must be [K, spatial sizes of inputShape]", fieldPath = ".outputShape")
    @ValidationRule(value = "!(self.metric in ['zeroOneError', 'oneMinusF1']) || self.type == 'classification'",
            message = "zeroOneError and oneMinusF1 apply to classification tasks only", fieldPath = ".metric")
    @ValidationRule(value = "!(self.metric in ['mae8', 'relativeL2']) || self.type == 'dense'",
            message = "mae8 and relativeL2 apply to dense tasks only", fieldPath = ".metric")
    @ValidationRule(value = "self.metric != 'oneMinusMap' || self.type != 'dense'",
            message = "oneMinusMap applies to classification and multilabel tasks", fieldPath = ".metric")
    @ValidationRule(value = "!has(self.loss) || self.loss != 'relativeL2' || self.type == 'dense'",
            message = "the relativeL2 loss applies to dense tasks", fieldPath = ".loss")
    @ValidationRule(value = "!has(self.loss) || self.loss != 'focal' || self.type == 'classification'",
            message = "the focal loss applies to classification tasks", fieldPath = ".loss")
    @ValidationRule(value = "self.metric != 'nll' || self.type != 'classification'",
            message = "nll applies to multilabel and dense tasks", fieldPath = ".metric")
    public static class Task {
        @JsonPropertyDescription("classification, multilabel or dense.")
        @Required
        public TaskType type;
        @JsonPropertyDescription("Shape of one input, channels first: [C, L] or [C, H, W]. Flat examples (CSV rows) with as many values are"
                + " read into it in row-major order (last axis fastest).")
        @Required
        @Size(min = 2, max = 3)
        public List<@Max(MAX_AXIS) Long> inputShape = new ArrayList<>();
        @JsonPropertyDescription("Shape of one target for dense tasks, channels first, spatially equal to the input.")
        @Size(min = 2, max = 3)
        public List<@Max(MAX_AXIS) Long> outputShape;
        @JsonPropertyDescription("Classes (classification) or labels (multilabel).")
        @Min(1)
        @Max(100_000)
        public Integer numClasses;
        @JsonPropertyDescription("Evaluation metric (lower is better).")
        @Required
        public Metric metric;
        @JsonPropertyDescription("Training loss; by default cross-entropy (classification), binary cross-entropy (multilabel), mse (dense)."
                + " Also relativeL2 (dense) and focal (classification).")
        public Loss loss;
        @JsonPropertyDescription("binaryCrossEntropy: weight of the positive term (PyTorch's pos_weight; official DeepSEA 4, FSD50K 10);"
                + " the loss is then the mean over every label, as BCEWithLogitsLoss. Absent: summed over labels, weight 1.")
        @Min(0)
        public Double positiveWeight;
        @JsonPropertyDescription("focal: the exponent gamma (the official NinaPro FocalLoss(alpha=1) keeps gamma 0, i.e. cross-entropy).")
        @Min(0)
        @Max(10)
        public double focalGamma = 0;
        @JsonPropertyDescription("Where the data comes from.")
        @Required
        public Data data = new Data();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "has(self.generator) != has(self.files)", message = "needs exactly one of generator and files")
    public static class Data {
        @JsonPropertyDescription("A built-in generator (darcy-flow, listops, spherical-mnist, ...). Exactly one of generator and files.")
        public Generator generator;
        @JsonPropertyDescription("Data files on the volume. Exactly one of generator and files.")
        public Files files;
        @JsonPropertyDescription("Fraction of the training data held out for validation (model selection, search), in [0, 0.5];"
                + " default 0: train on the whole training split, as the official code (valid_split: False).")
        @Min(0)
        @Max(0.5)
        public double validationFraction = 0;
        @JsonPropertyDescription("Fraction held out for testing when the data has no test split, in [0, 0.5].")
        @Min(0)
        @Max(0.5)
        public double testFraction = 0.2;
        @JsonPropertyDescription("Fraction of the training split used for training, in (0, 1] (the low-data regime); validation"
                + " and test splits are unchanged.")
        @Min(value = 0, inclusive = false)
        @Max(1)
        public double trainFraction = 1.0;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Generator {
        @JsonPropertyDescription("Generator name: darcy-flow, listops, spherical-mnist or spherical-fashion-mnist.")
        @Required
        @Pattern(GENERATOR_PATTERN)
        public String name;
        @JsonPropertyDescription("Examples to generate.")
        @Min(10)
        @Max(MAX_SAMPLES)
        public Integer samples;
        @JsonPropertyDescription("Spatial resolution (darcy-flow, spherical-*: the sphere grid's side) or sequence length (listops).")
        @Min(5)
        @Max(65_536)
        public Integer resolution;
        @JsonPropertyDescription("Further generator settings.")
        @Size(max = 16)
        public Map<String, @Size(max = 256) String> options = new LinkedHashMap<>();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Files {
        @JsonPropertyDescription("Training data: a path on the volume, or pvc://<claim>/<path>.")
        @Required
        @Pattern("^\\S+$")
        @Size(max = 1024)
        public String train;
        @JsonPropertyDescription("Test data; when absent, testFraction of the training data is held out.")
        @Size(max = 1024)
        public String test;
        @JsonPropertyDescription("Training targets, for formats that keep them in a file of their own (npy, idx).")
        @Size(max = 1024)
        public String trainLabels;
        @JsonPropertyDescription("Test targets, for formats that keep them in a file of their own (npy, idx).")
        @Size(max = 1024)
        public String testLabels;
        @JsonPropertyDescription("npz (arrays x and y; optionally ignore, shaped as y, 1 where a dense target is not scored (Cosmic),"
                + " and clip, one id per example, whose segments' logits are averaged before oneMinusMap (FSD50K)),"
                + " npy and idx (inputs and targets in separate files), csv (label in the last"
                + " column), cifar (CIFAR binary batches) or json (JSB Chorales: its own train/valid/test split; each frame"
                + " predicted from the inputShape[1] frames before it).")
        @Required
        @Pattern(FORMAT_PATTERN)
        public String format;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Body {
        @JsonPropertyDescription("bundled:all-minilm-l6-v2 (default), bundled:bge-small-en-v1.5, bundled:e5-small-v2,"
                + " hf:<model id> staged on the volume, or file:<directory with config.json and model.safetensors>.")
        @Pattern("^((bundled|hf|file):\\S+|[^:\\s]+)$")
        @Size(max = 512)
        public String checkpoint = "bundled:all-minilm-l6-v2";
        @JsonPropertyDescription("How tokens become one vector for classification: mean or cls.")
        @Pattern("^(mean|cls)$")
        public String pooling = "mean";
        @JsonPropertyDescription("Body selection: candidate checkpoints (same forms as checkpoint). Each is aligned in its own Job;"
                + " the experiment continues with the one whose alignment ends at the smallest distance, and checkpoint is ignored.")
        @Size(min = 2, max = 8)
        public List<@Size(max = 512) @Pattern("^((bundled|hf|file):\\S+|[^:\\s]+)$") String> candidates;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Embedder {
        @JsonPropertyDescription("Most tokens the embedder makes (the official target_seq_len): k is the smallest kernel = stride"
                + " that gives at most this many, and at most the body's maximum sequence length. Default 512.")
        @Min(1)
        @Max(65_536)
        public int targetSequenceLength = 512; // the official default target_seq_len (task_configs.py:78)
        @JsonPropertyDescription("Where the embedder's LayerNorm sits: afterPositions (default; LayerNorm(conv(x) + positions), as a"
                + " BERT body embeds words) or beforePositions (LayerNorm(conv(x)) + positions, the official embedder, whose tokens keep"
                + " only their sign when they carry one value). It also sets an aligned embedder's starting projection: truncated normal"
                + " 0.02 after the positions, the official xavier-uniform before them (docs/official-recipe.md).")
        public EmbedderLayerNorm layerNorm = EmbedderLayerNorm.AFTER_POSITIONS;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Source {
        @JsonPropertyDescription("Proxy source data set (conll2003 or brown-corpus for text bodies, cifar10 for vision).")
        @Size(max = 512)
        public String dataset;
        @JsonPropertyDescription("Source examples used for alignment.")
        @Min(10)
        @Max(MAX_SAMPLES)
        public int samples = 5000;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Alignment {
        @JsonPropertyDescription("otdd-exact, otdd-gaussian, mmd or euclidean. With the defaults of pointCost, sinkhorn and"
                + " labelGradient, otdd-exact and otdd-gaussian are the quantities microsoft/otdd computes for ORCA (exact or"
                + " Gaussian inner OT, debiased, p = 2).")
        public AlignmentMetric metric = AlignmentMetric.OTDD_EXACT;
        @JsonPropertyDescription("OTDD point cost: halved (default; geomloss's p = 2 convention, 1/2 |x - x'|^2 + 1/2 W(y, y'), as"
                + " microsoft/otdd) or full (|x - x'|^2 + W(y, y'): twice the distance at half the relative regularisation).")
        public OtddPointCost pointCost = OtddPointCost.HALVED;
        @JsonPropertyDescription("OTDD's Sinkhorn iterations: annealed (default; geomloss's fixed epsilon-scaling schedule from the"
                + " data's diameter, as microsoft/otdd) or converged (iterate until the marginals are met to 1e-4; slower).")
        public SinkhornSchedule sinkhorn = SinkhornSchedule.ANNEALED;
        @JsonPropertyDescription("OTDD: let gradients flow through the label-to-label distances W(y, y') too. Default false:"
                + " microsoft/otdd holds them constant.")
        public boolean labelGradient = false;
        @JsonPropertyDescription("Alignment epochs (one optimizer step each).")
        @Min(1)
        @Max(MAX_EPOCHS)
        public int epochs = 60;
        @JsonPropertyDescription("Target examples per class-wise batch (b).")
        @Min(2)
        @Max(65_536)
        public int samplesPerClass = 128;
        @JsonPropertyDescription("Class-wise batches per class and epoch (R).")
        @Min(1)
        @Max(100)
        public int rounds = 1;
        @JsonPropertyDescription("k-means clusters used as pseudo-labels for dense tasks; the source's class count when absent.")
        @Min(2)
        @Max(1000)
        public Integer pseudoLabels;
        @JsonPropertyDescription("Entropic regularisation of the optimal transport (absolute, in squared feature units).")
        @Min(value = 0, inclusive = false)
        public double epsilon = 0.1;
        @JsonPropertyDescription("Optimizer of the embedder. By default fine-tuning's optimizer, at the learning rate that the"
                + " rate field chooses.")
        public Optimizer optimizer;
        @JsonPropertyDescription("The embedder's learning rate when optimizer is absent: finetune (default; fine-tuning's own,"
                + " chosen on validation over six tasks) or official (fine-tuning's x 10 while it is at most 1e-3, as the"
                + " official code, task_configs.py:311-314). Ignored when optimizer is set.")
        public AlignmentRate rate = AlignmentRate.FINETUNE;

        /** The embedder's optimizer: the spec's, or derived from the fine-tuning one as {@link #rate} says. */
        public Optimizer optimizer(Finetune finetune) {
            return optimizer != null ? optimizer : derived(finetune, rate);
        }

        /** Fine-tuning's optimizer at the embedder's rate that {@code rate} names, whatever the spec's own fields say. */
        public static Optimizer derived(Finetune finetune, AlignmentRate rate) {
            double lr = rate == AlignmentRate.OFFICIAL && finetune.optimizer.lr <= 1e-3 ? finetune.optimizer.lr * 10
                    : finetune.optimizer.lr;
            Optimizer derived = Optimizer.of(finetune.optimizer.name, lr, finetune.optimizer.weightDecay);
            derived.momentum = finetune.optimizer.momentum;
            derived.betas = finetune.optimizer.betas;
            return derived;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Finetune {
        static final int DEFAULT_EPOCHS = 100;
        static final int DEFAULT_BATCH_SIZE = 32;
        @JsonPropertyDescription("Training epochs.")
        @Min(1)
        @Max(MAX_EPOCHS)
        public int epochs = DEFAULT_EPOCHS;
        @JsonPropertyDescription("Examples per forward pass.")
        @Min(1)
        @Max(65_536)
        public int batchSize = DEFAULT_BATCH_SIZE;
        @JsonPropertyDescription("Forward passes per optimizer step.")
        @Min(1)
        @Max(1024)
        public int gradientAccumulation = 1;
        @JsonPropertyDescription("Maximum global gradient norm; 0 (default, the official clip: -1) disables clipping.")
        @Min(0)
        public double clipNorm = 0;
        @JsonPropertyDescription("Dropout rate of the body's layers while training, replacing the checkpoint's; default 0 (the"
                + " official drop_out: 0.0). Absent in YAML = 0; set it to the checkpoint's (often 0.1) to train as pretrained.")
        @Min(0)
        @Max(value = 1, inclusive = false)
        public double dropout = 0;
        @JsonPropertyDescription("Optimizer.")
        public Optimizer optimizer = Optimizer.of(OptimizerName.ADAMW, 1e-4, 1e-2);
        @JsonPropertyDescription("Learning-rate schedule.")
        public Schedule schedule = new Schedule();
        @JsonPropertyDescription("Which model the test split scores: bestValidated (default: the epoch with the best figure on"
                + " the validation split, as the official main.py tests its best-validated checkpoint) or lastEpoch. Without a"
                + " validation split the last epoch is scored (the official code then validates on the test split, which Orca"
                + " never does).")
        public EvaluatedModel evaluatedModel = EvaluatedModel.BEST_VALIDATED;
        @JsonPropertyDescription("Arithmetic of the training step's matrix products: fp32 (default) or bf16 (bfloat16 operands,"
                + " fp32 results, fp32 master weights and optimizer state; what PyTorch's autocast does). bf16 pays where the"
                + " hardware multiplies bfloat16 faster than fp32: GPUs, CPUs with AMX. Validation and test run in fp32.")
        public Precision precision = Precision.FP32;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Optimizer {
        @JsonPropertyDescription("sgd, adam or adamw.")
        public OptimizerName name = OptimizerName.ADAMW;
        @JsonPropertyDescription("Peak learning rate.")
        @Min(value = 0, inclusive = false)
        public double lr = 1e-4;
        @JsonPropertyDescription("Weight decay (decoupled for adamw).")
        @Min(0)
        public double weightDecay = 0;
        @JsonPropertyDescription("Momentum (sgd).")
        @Min(0)
        @Max(value = 1, inclusive = false)
        public double momentum = 0;
        @JsonPropertyDescription("Adam's and AdamW's (beta1, beta2); default [0.9, 0.98], as the official configs.")
        @Size(min = 2, max = 2)
        public List<@Min(0) @Max(value = 1, inclusive = false) Double> betas = new ArrayList<>(List.of(0.9, 0.98));

        static Optimizer of(OptimizerName name, double lr, double weightDecay) {
            Optimizer o = new Optimizer();
            o.name = name;
            o.lr = lr;
            o.weightDecay = weightDecay;
            return o;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.decayEpochs) || self.decayEpochs > (has(self.warmupEpochs) ? self.warmupEpochs : "
            + Schedule.DEFAULT_WARMUP_EPOCHS + ")",
            message = "schedule.decayEpochs must be greater than warmupEpochs", fieldPath = ".decayEpochs")
    public static class Schedule {
        /** The official WarmupLR's warm-up (configs/*.yaml); named once for the field and its CEL rule. */
        static final int DEFAULT_WARMUP_EPOCHS = 5;
        @JsonPropertyDescription("Epochs of linear warm-up before the linear decay; default 5, as the official WarmupLR. A run"
                + " shorter than its warm-up never reaches the peak rate, as in the official code.")
        @Min(0)
        @Max(MAX_EPOCHS)
        public int warmupEpochs = DEFAULT_WARMUP_EPOCHS;
        @JsonPropertyDescription("Epoch at which the linear decay reaches zero (the official decay_epochs); finetune.epochs when"
                + " absent. Larger than epochs, the run ends before the rate reaches zero.")
        @Min(1)
        @Max(MAX_EPOCHS)
        public Integer decayEpochs;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Compare {
        public static final int MAX_MODES = 4;
        public static final int MAX_SEEDS = 10;
        @JsonPropertyDescription("The modes to compare with mode, e.g. [finetune].")
        @Required
        @Size(min = 1, max = MAX_MODES)
        @ValidationRule(value = "self.all(m, self.filter(n, n == m).size() == 1)", message = "must not repeat a mode")
        public List<Mode> modes;
        @JsonPropertyDescription("Seeds per mode, the experiment's own seed first (default 3; the gap's interval needs two).")
        @Min(2)
        @Max(MAX_SEEDS)
        public int seeds = 3;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Tracking {
        @JsonPropertyDescription("An MLflow tracking server (its REST API, /api/2.0/mlflow).")
        @Required
        public Mlflow mlflow;
    }

    /**
     * Where and as what the trainer's runs appear in MLflow. Credentials come from the environment variables the MLflow
     * clients read ({@link #ENV_USERNAME}, {@link #ENV_PASSWORD}, {@link #ENV_TOKEN}); in a cluster the operator sets them
     * from the Secret named here, whose keys are those of a kubernetes.io/basic-auth Secret (and {@code token}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Mlflow {
        public static final String ENV_USERNAME = "MLFLOW_TRACKING_USERNAME";
        public static final String ENV_PASSWORD = "MLFLOW_TRACKING_PASSWORD";
        public static final String ENV_TOKEN = "MLFLOW_TRACKING_TOKEN";
        /** The Secret's keys, in the order of {@code ENV_USERNAME, ENV_PASSWORD, ENV_TOKEN}. */
        public static final List<String> SECRET_KEYS = List.of("username", "password", "token");
        public static final String DEFAULT_EXPERIMENT = "orca";
        public static final String URI_PATTERN = "^https?://[^\\s/?#@]+(/[^\\s?#]*)?$";

        @JsonPropertyDescription("The tracking server's URL, http(s)://host[:port][/path], e.g. http://mlflow.mlflow.svc:5000.")
        @Required
        @Pattern(URI_PATTERN)
        @Size(max = 512)
        public String uri;
        @JsonPropertyDescription("The MLflow experiment the runs go to (created when missing); orca when empty.")
        @Size(min = 1, max = 256)
        public String experiment;
        @JsonPropertyDescription("A Secret in the experiment's namespace with the tracker's credentials: username and password"
                + " (basic auth) or token (bearer). The admission policy lets only a user who may read that Secret name it.")
        @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
        @Size(max = 253)
        public String credentialsSecret;

        /** {@link #experiment}, or the default. */
        public String experimentName() {
            return experiment == null || experiment.isBlank() ? DEFAULT_EXPERIMENT : experiment;
        }
    }

    /** A Kubernetes toleration, typed, so that a malformed one is refused at admission rather than when the pod is built. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.tolerationSeconds) || (has(self.effect) && self.effect == 'NoExecute')",
            message = "tolerationSeconds applies to the NoExecute effect only", fieldPath = ".tolerationSeconds")
    @ValidationRule(value = "!has(self.operator) || self.operator != 'Exists' || !has(self.value)",
            message = "an Exists toleration has no value", fieldPath = ".value")
    public static class Toleration {
        @JsonPropertyDescription("Taint key to tolerate; empty with operator Exists tolerates every taint.")
        @Size(max = 316)
        public String key;
        @JsonPropertyDescription("Exists or Equal (the default).")
        @Pattern("^(Exists|Equal)$")
        public String operator;
        @JsonPropertyDescription("Taint value, for Equal.")
        @Size(max = 63)
        public String value;
        @JsonPropertyDescription("NoSchedule, PreferNoSchedule or NoExecute; every effect when absent.")
        @Pattern("^(NoSchedule|PreferNoSchedule|NoExecute)$")
        public String effect;
        @JsonPropertyDescription("Seconds the pod stays bound after a NoExecute taint appears.")
        @Min(0)
        public Long tolerationSeconds;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Resources {
        @JsonPropertyDescription("NVIDIA GPUs for the trainer (0 runs on CPU).")
        @Min(0)
        @Max(64)
        public int gpus = 1;
        @JsonPropertyDescription("CPU request and limit, a Kubernetes quantity greater than 0 (4, 500m).")
        @Pattern(QUANTITY_PATTERN)
        @Size(max = 32)
        public String cpu = "4";
        @JsonPropertyDescription("Memory request and limit, a Kubernetes quantity greater than 0 (16Gi).")
        @Pattern(QUANTITY_PATTERN)
        @Size(max = 32)
        public String memory = "16Gi";
        @JsonPropertyDescription("Node selector of the trainer pod.")
        @Size(max = 32)
        public Map<String, @Size(max = 63) String> nodeSelector = new LinkedHashMap<>();
        @JsonPropertyDescription("Tolerations of the trainer pod.")
        @Size(max = 32)
        public List<Toleration> tolerations = new ArrayList<>();
        @JsonPropertyDescription("Priority class of the trainer pod.")
        @Size(max = 253)
        public String priorityClassName;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Storage {
        @JsonPropertyDescription("PersistentVolumeClaim mounted at /data in the trainer.")
        @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
        @Size(max = 253)
        public String claimName;
        @JsonPropertyDescription("Directory within the claim for this experiment's checkpoints and results; the experiment's name when empty.")
        @Pattern("^[^/]")
        @ValidationRule(value = "!self.matches('(^|/)[.][.](/|$)')", message = "must stay inside the claim (no '..')")
        @Size(max = 1024)
        public String subPath;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RunPolicy {
        @JsonPropertyDescription("Pod restarts before the experiment fails; restarts resume from the last checkpoint.")
        @Min(0)
        @Max(100)
        public int backoffLimit = 3;
        @JsonPropertyDescription("Wall-clock limit of the trainer Job in seconds.")
        @Min(1)
        public Long activeDeadlineSeconds;
        @JsonPropertyDescription("Seconds after finishing before the Job is deleted (the experiment and its results stay).")
        @Min(0)
        public Long ttlSecondsAfterFinished;
        @JsonPropertyDescription("Suspend the run (its pod is removed; it resumes from the checkpoint when unsuspended).")
        public boolean suspend = false;
    }

    /**
     * ASHA (Li et al., 2020) over the fine-tuning configuration, on the experiment's setting without alignment
     * (orca searches as finetune, as the paper tunes); the space is the spec's; the official code ships no search grid (its configs fix one setting per task) and the paper's appendix is not checkable offline, so Orca's samples call theirs Orca's grids.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.maxEpochs) || self.maxEpochs >= (has(self.minEpochs) ? self.minEpochs : 1)",
            message = "search.maxEpochs must be at least minEpochs", fieldPath = ".maxEpochs")
    public static class Search {
        @JsonPropertyDescription("Configurations to try (the trial budget); capped at the size of the space.")
        @Min(1)
        @Max(OrcaExperimentStatus.MAX_TRIALS)
        public int trials = 16;
        @JsonPropertyDescription("Trial Jobs running at once (the CLI runs them one after another).")
        @Min(1)
        @Max(64)
        public int parallelism = 2;
        @JsonPropertyDescription("ASHA's reduction factor (eta): the top 1/eta of a rung is promoted to the next.")
        @Min(2)
        @Max(16)
        public int reductionFactor = 3;
        @JsonPropertyDescription("Epochs of the first rung (ASHA's minimum resource).")
        @Min(1)
        @Max(MAX_EPOCHS)
        public int minEpochs = 1;
        @JsonPropertyDescription("Epochs of the top rung (ASHA's maximum resource); finetune.epochs when absent.")
        @Min(1)
        @Max(MAX_EPOCHS)
        public Integer maxEpochs;
        @JsonPropertyDescription("The search space; each list is sampled from, without repeating a configuration.")
        public Space space = new Space();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Space {
        /**
         * Values per list: bounds the grid the operator builds per reconcile, and lets the API server cost the CEL
         * rule over batchSizes (kube-apiserver refuses a CRD whose rule cost over an unbounded list exceeds its budget).
         */
        public static final int MAX_VALUES = 16;
        @JsonPropertyDescription("Effective batch sizes, multiples of finetune.batchSize, reached by gradient accumulation;"
                + " finetune.batchSize x 1, 2 and 4 when absent.")
        @Size(min = 1, max = Space.MAX_VALUES)
        public List<@Min(1) @Max(1 << 20) Integer> batchSizes;
        @JsonPropertyDescription("Optimizers: sgd, adam, adamw.")
        @Size(min = 1, max = 3)
        public List<OptimizerName> optimizers = new ArrayList<>(List.of(OptimizerName.SGD, OptimizerName.ADAM, OptimizerName.ADAMW));
        @JsonPropertyDescription("Peak learning rates.")
        @Size(min = 1, max = Space.MAX_VALUES)
        public List<@Min(value = 0, inclusive = false) Double> learningRates = new ArrayList<>(List.of(1e-2, 1e-3, 1e-4, 1e-5, 1e-6));
        @JsonPropertyDescription("Weight decays.")
        @Size(min = 1, max = Space.MAX_VALUES)
        public List<@Min(0) Double> weightDecays = new ArrayList<>(List.of(0.0, 1e-4, 1e-3, 1e-2, 1e-1));
    }
}
