package dev.orca.trainer.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.trainer.data.DataArray;
import dev.orca.trainer.data.Npy;
import dev.orca.trainer.io.AtomicFiles;
import dev.orca.trainer.ot.ClassWiseSampler;
import dev.orca.trainer.ot.OtddDistance;
import dev.orca.trainer.train.EmbedderAlignment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stage 2 on record, for running another implementation on exactly its inputs (bench/run official-parity): the proxy
 * source's features and labels, the target's training inputs and (pseudo-)labels, every epoch's class-wise batches
 * (class, weight, rows), the embedder's initial parameters and the optimizer settings; then Orca's own alignment on them,
 * its distance per epoch and its final parameters. Written as {@code .npy} and JSON, which numpy reads as they are.
 *
 * <p>Layout of {@code dir}: {@code src_X.npy (N, D)}, {@code src_y.npy (N)}, {@code x.npy (n, C, L...)},
 * {@code y.npy (n)}, {@code batches.json}, {@code settings.json}, {@code initial/<parameter>.npy},
 * {@code orca/<parameter>.npy} and {@code orca.json} (the distance per epoch, seconds).
 */
public final class AlignmentRecord {
    private AlignmentRecord() {}

    /** Records {@code spec}'s alignment (its epochs as given) in {@code dir}; returns Orca's distance per epoch. */
    public static List<Double> write(OrcaExperimentSpec spec, Path dir) {
        if (!spec.mode.aligns()) {
            throw new IllegalArgumentException("spec.mode: " + OrcaExperimentSpec.wireName(spec.mode) + " does not align");
        }
        RunPlan plan = RunPlan.of(spec);
        try (NDManager manager = NDManager.newBaseManager()) {
            PreparedRun run = PreparedRun.prepare(plan, dir, manager, event -> { }, null);
            if (!(AlignmentStage.proxyDistance(plan, manager, run.architecture()) instanceof OtddDistance otdd)) {
                throw new IllegalArgumentException("spec.alignment.metric: the record is written for OTDD alignments only");
            }
            int[] labels = AlignmentStage.labels(plan, run.trainY(), otdd);
            AlignmentStage.writeSource(otdd, dir);
            npy(dir.resolve("x.npy"), run.trainX());
            Npy.write(dir.resolve("y.npy"), DataArray.ofLabels("y", labels));

            EmbedderAlignment.Settings settings = plan.alignment();
            List<Map<String, Object>> batches = new ArrayList<>();
            for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                for (ClassWiseSampler.Batch b : EmbedderAlignment.epochBatches(labels, settings, epoch)) {
                    batches.add(Map.of("epoch", epoch, "label", b.label(), "weight", b.weight(), "rows", b.indices()));
                }
            }
            AtomicFiles.writeJson(dir.resolve("batches.json"), batches);
            Map<String, Object> recorded = new LinkedHashMap<>();
            OrcaExperimentSpec.Optimizer finetune = spec.finetune.optimizer;
            recorded.put("finetuneOptimizer", Map.of("name", OrcaExperimentSpec.wireName(finetune.name), "lr", finetune.lr,
                    "weightDecay", finetune.weightDecay, "momentum", finetune.momentum, "betas", settings.betas()));
            recorded.put("alignmentOptimizer", Map.of("name", settings.optimizer().name(), "lr", settings.learningRate(),
                    "weightDecay", settings.weightDecay(), "momentum", settings.momentum(), "betas", settings.betas()));
            recorded.put("milestones", settings.milestones());
            recorded.put("gamma", settings.gamma());
            recorded.put("epochs", settings.epochs());
            recorded.put("layerNorm", OrcaExperimentSpec.wireName(spec.embedder.layerNorm));
            recorded.put("otddEntropy", plan.otdd().sinkhorn().epsilon());
            // The embedder's live parameters: written now as the start, again after the alignment as Orca's result.
            Map<String, NDArray> parameters = parameters(run);
            recorded.put("parameters", parameters.keySet());
            AtomicFiles.writeJson(dir.resolve("settings.json"), recorded);
            parameters.forEach((name, array) -> npy(dir.resolve("initial").resolve(name + ".npy"), array));

            long began = System.nanoTime();
            List<Double> curve = new EmbedderAlignment(run.architecture().embedder(), run.model().embedderParameters(), otdd,
                    settings, null, null).run(run.trainX(), labels);
            double seconds = (System.nanoTime() - began) / 1e9;
            parameters.forEach((name, array) -> npy(dir.resolve("orca").resolve(name + ".npy"), array));
            AtomicFiles.writeJson(dir.resolve("orca.json"), Map.of("distance", curve, "seconds", seconds));
            return curve;
        }
    }

    private static Map<String, NDArray> parameters(PreparedRun run) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : run.architecture().embedder().getParameters()) {
            out.put(p.getKey(), p.getValue().getArray());
        }
        return out;
    }

    private static void npy(Path file, NDArray array) {
        createParent(file);
        Npy.write(file, new DataArray(file.getFileName().toString(), array.getShape().getShape(), array.toFloatArray()));
    }

    private static void createParent(Path file) {
        try {
            java.nio.file.Files.createDirectories(file.getParent());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + file.getParent() + ": " + e.getMessage(), e);
        }
    }
}
