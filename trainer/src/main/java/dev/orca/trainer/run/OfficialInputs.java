package dev.orca.trainer.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.trainer.body.BodyConfig;
import dev.orca.trainer.checkpoint.BodyCheckpoint;
import dev.orca.trainer.checkpoint.BodyCheckpoints;
import dev.orca.trainer.checkpoint.Safetensors;
import dev.orca.trainer.data.DataArray;
import dev.orca.trainer.data.Npy;
import dev.orca.trainer.data.Splits;
import dev.orca.trainer.io.AtomicFiles;
import dev.orca.trainer.ot.OtddDistance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One seed's inputs of an experiment, written for the authors' implementation to train on exactly what Orca trains on
 * (bench/run official-parity): the three splits as Orca's data stage leaves them (standardised on the training split,
 * shaped (n, C, L)), the proxy source's features and labels as Orca's alignment sees them, the pretrained body in
 * Hugging Face's layout ({@code body/config.json}, {@code body/model.safetensors}), and the authors' hyperparameters for
 * each mode ({@link OfficialHyperparameters}).
 *
 * <p>Layout of {@code dir}: {@code {train,valid,test}_x.npy}, {@code {train,valid,test}_y.npy}, {@code src_X.npy},
 * {@code src_y.npy}, {@code body/}, {@code hyperparameters-orca.json}, {@code hyperparameters-finetune.json}.
 */
public final class OfficialInputs {
    private OfficialInputs() {}

    /** Writes {@code spec}'s inputs for its seed; {@code spec} is in orca mode, because the source features are an aligning run's. */
    public static void write(OrcaExperimentSpec spec, Path dir) {
        if (spec.mode != OrcaExperimentSpec.Mode.ORCA) {
            throw new IllegalArgumentException("spec.mode: the inputs are written from the orca mode's run, got "
                    + OrcaExperimentSpec.wireName(spec.mode));
        }
        RunPlan plan = RunPlan.of(spec);
        BodyCheckpoint body = BodyCheckpoints.load(spec.body.checkpoint);
        try (NDManager manager = NDManager.newBaseManager()) {
            PreparedRun run = PreparedRun.prepare(plan, dir, manager, event -> { }, null);
            if (!(AlignmentStage.proxyDistance(plan, manager, run.architecture()) instanceof OtddDistance otdd)) {
                throw new IllegalArgumentException("spec.alignment.metric: the side by side needs an OTDD alignment");
            }
            AlignmentStage.writeSource(otdd, dir);
            Splits splits = run.data().splits();
            writeSplit(dir, "train", run.data(), splits.train(), manager);
            writeSplit(dir, "valid", run.data(), splits.validation(), manager);
            writeSplit(dir, "test", run.data(), splits.test(), manager);
            long largest = Math.max(splits.train().length, Math.max(splits.validation().length, splits.test().length));
            for (OrcaExperimentSpec.Mode mode : new OrcaExperimentSpec.Mode[] {OrcaExperimentSpec.Mode.ORCA, OrcaExperimentSpec.Mode.FINETUNE}) {
                AtomicFiles.writeJson(dir.resolve("hyperparameters-" + OrcaExperimentSpec.wireName(mode) + ".json"),
                        OfficialHyperparameters.of(spec, mode, (int) spec.seed, body.config().maxPositions(), largest));
            }
        }
        writeBody(body, dir.resolve("body"));
    }

    private static void writeSplit(Path dir, String name, TaskData data, int[] rows, NDManager manager) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("spec.task.data: the " + name + " split is empty; the authors' loop validates and"
                    + " tests every run");
        }
        NDArray index = PreparedRun.rows(manager, rows);
        NDArray x = data.x().get(index);
        Npy.write(dir.resolve(name + "_x.npy"), new DataArray(name + "_x", x.getShape().getShape(), x.toFloatArray()));
        Npy.write(dir.resolve(name + "_y.npy"), DataArray.ofLabels(name + "_y",
                java.util.Arrays.stream(data.y().get(index).toLongArray()).mapToInt(Math::toIntExact).toArray()));
    }

    /** The body as transformers' BertModel / RobertaModel read it: canonical names are theirs without a model prefix. */
    static void writeBody(BodyCheckpoint body, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        Safetensors.write(dir.resolve("model.safetensors"), new ArrayList<>(body.tensors().values()), Map.of("format", "pt"));
        BodyConfig c = body.config();
        boolean roberta = c.family() == BodyConfig.Family.ROBERTA;
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model_type", roberta ? "roberta" : "bert");
        config.put("architectures", java.util.List.of(roberta ? "RobertaModel" : "BertModel"));
        config.put("hidden_size", c.hidden());
        config.put("num_hidden_layers", c.layers());
        config.put("num_attention_heads", c.heads());
        config.put("intermediate_size", c.intermediate());
        config.put("max_position_embeddings", c.maxPositions());
        config.put("vocab_size", c.vocabSize());
        config.put("type_vocab_size", c.typeVocabSize());
        config.put("layer_norm_eps", c.layerNormEps());
        config.put("pad_token_id", c.padTokenId());
        config.put("hidden_act", "gelu");
        config.put("hidden_dropout_prob", c.dropout());
        config.put("attention_probs_dropout_prob", c.dropout());
        AtomicFiles.writeJson(dir.resolve("config.json"), config);
    }
}
