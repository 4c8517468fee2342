package dev.orca.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.trainer.eval.TaskMetrics;
import dev.orca.trainer.run.ExperimentFiles;
import dev.orca.trainer.run.ExperimentRun;
import dev.orca.trainer.run.TaskData;
import dev.orca.trainer.train.FineTuning;
import dev.orca.trainer.train.Losses;
import dev.orca.trainer.train.ParameterUpdater;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: {@code bench/run sanity <classification experiment.yaml>... [--modes m,m] [--seeds n] [--out dir]}
 * ({@code --modes ""}: the majority class and the linear model only, beside a reproduction table's runs). Does each
 * mode learn what a simple model learns? Per task: the majority rate of the test split, a linear softmax classifier on the
 * same standardised inputs trained for the same epochs and batch size (AdamW, its rate chosen from 1e-3, 1e-2, 1e-1 on
 * the validation split), and every mode (fresh runs, each in a JVM of its own, as {@code bench/run reproduce}).
 * Prints a Markdown table, test and validation 0-1 error, mean ± std over seeds.
 */
public final class SanityBenchmark {

    public static void main(String[] args) throws IOException {
        List<Path> experiments = new ArrayList<>();
        List<String> modes = List.of("orca", "finetune", "scratch");
        int seeds = 1;
        Path out = Path.of("runs", "sanity");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--modes" -> modes = args[++i].isBlank() ? List.of() : List.of(args[i].split(",")); // "": the baselines only
                case "--seeds" -> seeds = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> experiments.add(Path.of(args[i]));
            }
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        StringBuilder table = new StringBuilder("| task | model | test 0-1 error | validation 0-1 error |\n|---|---|---|---|\n");
        for (Path experiment : experiments) {
            String task = experiment.getFileName().toString().replaceFirst("\\.ya?ml$", "");
            double[][] majority = new double[2][seeds];
            double[][] linear = new double[2][seeds];
            for (int seed = 0; seed < seeds; seed++) {
                OrcaExperimentSpec spec = withSeed(yaml, experiment, seed, out.resolve(task).resolve("linear-" + seed));
                double[] m = majorityAndLinear(spec);
                majority[0][seed] = m[0];
                majority[1][seed] = m[1];
                linear[0][seed] = m[2];
                linear[1][seed] = m[3];
                System.out.printf(Locale.ROOT, "%s seed %d: majority test %.4f; linear (lr %.0e) test %.4f, validation %.4f%n", task, seed,
                        m[0], m[4], m[2], m[3]);
            }
            row(table, task, "majority class", majority);
            row(table, task, "linear (same epochs and batch)", linear);
            for (String mode : modes) {
                double[][] results = new double[2][seeds];
                for (int seed = 0; seed < seeds; seed++) {
                    Path dir = out.resolve(task).resolve(mode + "-" + seed);
                    ObjectNode tree = read(yaml, experiment);
                    tree.put("mode", mode).put("seed", seed);
                    ExperimentRun.startFresh(dir);
                    Files.createDirectories(dir);
                    Path file = dir.resolve("experiment.yaml");
                    yaml.writeValue(file.toFile(), tree);
                    ExperimentRun.Result r = Reproduction.runAlone(file, dir);
                    results[0][seed] = r.test();
                    results[1][seed] = r.validation();
                    System.out.printf(Locale.ROOT, "%s %s seed %d: test %.4f, validation %.4f%n", task, mode, seed, r.test(), r.validation());
                }
                row(table, task, mode, results);
            }
        }
        System.out.println();
        System.out.print(table);
        Files.createDirectories(out);
        Files.writeString(out.resolve("table.md"), table.toString());
    }

    private static void row(StringBuilder table, String task, String model, double[][] results) {
        table.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", task, model, Reproduction.meanStd(results[0]),
                Reproduction.meanStd(results[1])));
    }

    private static ObjectNode read(ObjectMapper yaml, Path experiment) throws IOException {
        ObjectNode tree = (ObjectNode) yaml.readTree(experiment.toFile());
        return tree.has("spec") ? (ObjectNode) tree.get("spec") : tree;
    }

    private static OrcaExperimentSpec withSeed(ObjectMapper yaml, Path experiment, int seed, Path dir) throws IOException {
        ObjectNode tree = read(yaml, experiment);
        tree.put("seed", seed);
        Files.createDirectories(dir);
        Path file = dir.resolve("experiment.yaml");
        yaml.writeValue(file.toFile(), tree);
        return ExperimentFiles.read(file);
    }

    /** {majority test, majority validation, linear test, linear validation, linear's learning rate}. */
    static double[] majorityAndLinear(OrcaExperimentSpec spec) {
        if (spec.task.type != OrcaExperimentSpec.TaskType.CLASSIFICATION) {
            throw new IllegalArgumentException("spec.task.type: the sanity benchmark takes classification tasks");
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            TaskData data = TaskData.load(spec, manager);
            int classes = spec.task.numClasses;
            int[] labels = Arrays.stream(data.y().toType(DataType.INT64, false).toLongArray()).mapToInt(l -> (int) l).toArray();
            int[] counts = new int[classes];
            for (int row : data.splits().train()) {
                counts[labels[row]]++;
            }
            int majorityClass = 0;
            for (int c = 1; c < classes; c++) {
                if (counts[c] > counts[majorityClass]) {
                    majorityClass = c;
                }
            }
            double[] result = new double[5];
            result[0] = errorOfConstant(labels, data.splits().test(), majorityClass);
            result[1] = errorOfConstant(labels, data.splits().validation(), majorityClass);
            long features = data.x().size() / data.x().getShape().get(0);
            NDArray flat = data.x().reshape(data.x().getShape().get(0), features);
            NDArray trainX = flat.get(rows(manager, data.splits().train()));
            NDArray trainY = data.y().get(rows(manager, data.splits().train()));
            int[] selection = data.splits().validation().length > 0 ? data.splits().validation() : data.splits().train();
            double best = Double.POSITIVE_INFINITY;
            for (double lr : new double[] {1e-3, 1e-2, 1e-1}) {
                ai.djl.engine.Engine.getInstance().setRandomSeed((int) spec.seed);
                SequentialBlock model = new SequentialBlock().add(Blocks.batchFlattenBlock())
                        .add(Linear.builder().setUnits(classes).build());
                model.initialize(manager, DataType.FLOAT32, new Shape(1, features));
                List<Parameter> parameters = new ArrayList<>();
                model.getParameters().forEach(p -> parameters.add(p.getValue()));
                OrcaExperimentSpec.Finetune f = spec.finetune;
                new FineTuning(model, parameters, Losses::crossEntropy, new FineTuning.Settings(f.epochs, f.batchSize, 1,
                        ParameterUpdater.Kind.ADAMW, lr, 0, 0, new double[] {0.9, 0.999}, 0, 0, f.epochs, spec.seed), null, null, null)
                        .run(trainX, trainY);
                double selected = error(model, manager, flat, labels, selection);
                if (selected < best) {
                    best = selected;
                    result[2] = error(model, manager, flat, labels, data.splits().test());
                    result[3] = data.splits().validation().length > 0 ? selected : Double.NaN;
                    result[4] = lr;
                }
            }
            return result;
        }
    }

    private static double error(SequentialBlock model, NDManager manager, NDArray flat, int[] labels, int[] rows) {
        NDArray scores = model.forward(new ParameterStore(manager, false), new NDList(flat.get(rows(manager, rows))), false)
                .singletonOrThrow();
        float[] values = scores.toFloatArray();
        int classes = (int) scores.getShape().get(1);
        float[][] perRow = new float[rows.length][];
        int[] truth = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            perRow[i] = Arrays.copyOfRange(values, i * classes, (i + 1) * classes);
            truth[i] = labels[rows[i]];
        }
        return TaskMetrics.zeroOneError(perRow, truth);
    }

    private static double errorOfConstant(int[] labels, int[] rows, int label) {
        if (rows.length == 0) {
            return Double.NaN;
        }
        return Arrays.stream(rows).filter(r -> labels[r] != label).count() / (double) rows.length;
    }

    private static NDArray rows(NDManager manager, int[] rows) {
        return manager.create(Arrays.stream(rows).asLongStream().toArray());
    }
}
