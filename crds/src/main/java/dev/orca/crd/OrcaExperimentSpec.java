package dev.orca.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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
@JsonIgnoreProperties(ignoreUnknown = false)
public class OrcaExperimentSpec {

    @JsonPropertyDescription("The target task: its data, shape, type and metric.")
    public Task task = new Task();

    @JsonPropertyDescription("The pretrained transformer body.")
    public Body body = new Body();

    @JsonPropertyDescription("Proxy source data for alignment, embedded by the body's own embedding layer.")
    public Source source = new Source();

    @JsonPropertyDescription("orca (align then fine-tune everything), orca-layernorm (align, then train only LayerNorms),"
            + " finetune (no alignment), finetune-layernorm (the FPT setting), scratch (randomly initialised body).")
    public Mode mode = Mode.ORCA;

    @JsonPropertyDescription("Stage 2: embedder-only training on the alignment metric.")
    public Alignment alignment = new Alignment();

    @JsonPropertyDescription("Stage 3: training on the task loss.")
    public Finetune finetune = new Finetune();

    @JsonPropertyDescription("Seed for data splits, initialisation, sampling and dropout.")
    public long seed = 0;

    @JsonPropertyDescription("Trainer container image; the operator's default when empty.")
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
        @JsonProperty("mse") MSE
    }

    public enum AlignmentMetric {
        @JsonProperty("otdd-exact") OTDD_EXACT,
        @JsonProperty("otdd-gaussian") OTDD_GAUSSIAN,
        @JsonProperty("mmd") MMD,
        @JsonProperty("euclidean") EUCLIDEAN
    }

    public enum OptimizerName {
        @JsonProperty("sgd") SGD,
        @JsonProperty("adam") ADAM,
        @JsonProperty("adamw") ADAMW
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Task {
        @JsonPropertyDescription("classification, multilabel or dense.")
        public TaskType type;
        @JsonPropertyDescription("Shape of one input, channels first: [C, L] or [C, H, W].")
        public List<Long> inputShape = new ArrayList<>();
        @JsonPropertyDescription("Shape of one target for dense tasks, channels first, spatially equal to the input.")
        public List<Long> outputShape;
        @JsonPropertyDescription("Classes (classification) or labels (multilabel).")
        public Integer numClasses;
        @JsonPropertyDescription("Evaluation metric (lower is better).")
        public Metric metric;
        @JsonPropertyDescription("Training loss; by default cross-entropy (classification), binary cross-entropy (multilabel), mse (dense).")
        public Loss loss;
        @JsonPropertyDescription("Where the data comes from.")
        public Data data = new Data();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Data {
        @JsonPropertyDescription("A built-in generator (darcy-flow, listops, spherical-mnist, ...). Exactly one of generator and files.")
        public Generator generator;
        @JsonPropertyDescription("Data files on the volume. Exactly one of generator and files.")
        public Files files;
        @JsonPropertyDescription("Fraction of the training data held out for validation (model selection), in [0, 0.5].")
        public double validationFraction = 0.1;
        @JsonPropertyDescription("Fraction held out for testing when the data has no test split, in [0, 0.5].")
        public double testFraction = 0.2;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Generator {
        @JsonPropertyDescription("Generator name.")
        public String name;
        @JsonPropertyDescription("Examples to generate.")
        public Integer samples;
        @JsonPropertyDescription("Spatial resolution (darcy-flow) or sequence length (listops).")
        public Integer resolution;
        @JsonPropertyDescription("Further generator settings.")
        public Map<String, String> options = new LinkedHashMap<>();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Files {
        @JsonPropertyDescription("Training data: a path on the volume, or pvc://<claim>/<path>.")
        public String train;
        @JsonPropertyDescription("Test data; when absent, testFraction of the training data is held out.")
        public String test;
        @JsonPropertyDescription("Training targets, for formats that keep them in a file of their own (npy, idx).")
        public String trainLabels;
        @JsonPropertyDescription("Test targets, for formats that keep them in a file of their own (npy, idx).")
        public String testLabels;
        @JsonPropertyDescription("npz (arrays x and y), npy and idx (inputs and targets in separate files), csv (label in the last"
                + " column), cifar (CIFAR binary batches) or json (JSB Chorales: its own train/valid/test split; each frame"
                + " predicted from the inputShape[1] frames before it).")
        public String format;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Body {
        @JsonPropertyDescription("bundled:all-minilm-l6-v2 (default), bundled:bge-small-en-v1.5, bundled:e5-small-v2,"
                + " hf:<model id> staged on the volume, or file:<directory with config.json and model.safetensors>.")
        public String checkpoint = "bundled:all-minilm-l6-v2";
        @JsonPropertyDescription("How tokens become one vector for classification: mean or cls.")
        public String pooling = "mean";
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Source {
        @JsonPropertyDescription("Proxy source data set (conll2003 or brown-corpus for text bodies, cifar10 for vision).")
        public String dataset;
        @JsonPropertyDescription("Source examples used for alignment.")
        public int samples = 5000;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Alignment {
        @JsonPropertyDescription("otdd-exact, otdd-gaussian, mmd or euclidean.")
        public AlignmentMetric metric = AlignmentMetric.OTDD_EXACT;
        @JsonPropertyDescription("Alignment epochs (one optimizer step each).")
        public int epochs = 60;
        @JsonPropertyDescription("Target examples per class-wise batch (b).")
        public int samplesPerClass = 128;
        @JsonPropertyDescription("Class-wise batches per class and epoch (R).")
        public int rounds = 1;
        @JsonPropertyDescription("k-means clusters used as pseudo-labels for dense tasks; the source's class count when absent.")
        public Integer pseudoLabels;
        @JsonPropertyDescription("Entropic regularisation of the optimal transport (absolute, in squared feature units).")
        public double epsilon = 0.1;
        @JsonPropertyDescription("Optimizer of the embedder.")
        public Optimizer optimizer = Optimizer.of(OptimizerName.ADAM, 1e-4, 0);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Finetune {
        @JsonPropertyDescription("Training epochs.")
        public int epochs = 100;
        @JsonPropertyDescription("Examples per forward pass.")
        public int batchSize = 32;
        @JsonPropertyDescription("Forward passes per optimizer step.")
        public int gradientAccumulation = 1;
        @JsonPropertyDescription("Maximum global gradient norm; 0 disables clipping.")
        public double clipNorm = 1.0;
        @JsonPropertyDescription("Optimizer.")
        public Optimizer optimizer = Optimizer.of(OptimizerName.ADAMW, 1e-4, 1e-2);
        @JsonPropertyDescription("Learning-rate schedule.")
        public Schedule schedule = new Schedule();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Optimizer {
        @JsonPropertyDescription("sgd, adam or adamw.")
        public OptimizerName name = OptimizerName.ADAMW;
        @JsonPropertyDescription("Peak learning rate.")
        public double lr = 1e-4;
        @JsonPropertyDescription("Weight decay (decoupled for adamw).")
        public double weightDecay = 0;
        @JsonPropertyDescription("Momentum (sgd).")
        public double momentum = 0;

        static Optimizer of(OptimizerName name, double lr, double weightDecay) {
            Optimizer o = new Optimizer();
            o.name = name;
            o.lr = lr;
            o.weightDecay = weightDecay;
            return o;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Schedule {
        @JsonPropertyDescription("Epochs of linear warm-up before the linear decay to zero.")
        public int warmupEpochs = 0;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Resources {
        @JsonPropertyDescription("NVIDIA GPUs for the trainer (0 runs on CPU).")
        public int gpus = 1;
        @JsonPropertyDescription("CPU request and limit, Kubernetes quantity.")
        public String cpu = "4";
        @JsonPropertyDescription("Memory request and limit, Kubernetes quantity.")
        public String memory = "16Gi";
        @JsonPropertyDescription("Node selector of the trainer pod.")
        public Map<String, String> nodeSelector = new LinkedHashMap<>();
        @JsonPropertyDescription("Tolerations of the trainer pod (Kubernetes toleration objects).")
        public List<Map<String, String>> tolerations = new ArrayList<>();
        @JsonPropertyDescription("Priority class of the trainer pod.")
        public String priorityClassName;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Storage {
        @JsonPropertyDescription("PersistentVolumeClaim mounted at /data in the trainer.")
        public String claimName;
        @JsonPropertyDescription("Directory within the claim for this experiment's checkpoints and results; the experiment's name when empty.")
        public String subPath;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RunPolicy {
        @JsonPropertyDescription("Pod restarts before the experiment fails; restarts resume from the last checkpoint.")
        public int backoffLimit = 3;
        @JsonPropertyDescription("Wall-clock limit of the trainer Job in seconds.")
        public Long activeDeadlineSeconds;
        @JsonPropertyDescription("Seconds after finishing before the Job is deleted (the experiment and its results stay).")
        public Long ttlSecondsAfterFinished;
        @JsonPropertyDescription("Suspend the run (its pod is removed; it resumes from the checkpoint when unsuspended).")
        public boolean suspend = false;
    }
}
