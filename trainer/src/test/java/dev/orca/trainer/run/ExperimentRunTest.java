package dev.orca.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.crd.TrainerStage;
import dev.orca.trainer.progress.ProgressEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `orca run` on tiny experiments with the bundled MiniLM body: every stage runs for real. */
class ExperimentRunTest {

    @TempDir
    Path dir;

    @org.junit.jupiter.api.BeforeEach
    void privateCache() {
        System.setProperty("orca.cacheDir", dir.resolve("cache").toString());
    }

    @org.junit.jupiter.api.AfterEach
    void sharedCache() {
        System.clearProperty("orca.cacheDir");
    }

    /** ORCA with a text proxy source given as label TAB text, embedded by MiniLM's own embedding layer. */
    @Test
    void textSourceIsEmbeddedByTheBodyAndCached() throws IOException {
        Path tsv = dir.resolve("source.tsv");
        StringBuilder lines = new StringBuilder();
        String[] topics = {"The striker scored twice in the final match", "Shares fell sharply after the earnings report",
            "The new vaccine trial showed strong results"};
        for (int i = 0; i < 36; i++) {
            lines.append(i % 3).append('\t').append(topics[i % 3]).append(" number ").append(i).append('\n');
        }
        Files.writeString(tsv, lines.toString());
        Path yaml = experiment("orca");
        Files.writeString(yaml, Files.readString(yaml).replace("\"file:" + dir.resolve("source.npz") + "\"", "\"tsv:" + tsv + "\""));
        OrcaExperimentSpec spec = ExperimentFiles.read(yaml);
        ExperimentRun.Result result = ExperimentRun.run(spec, dir.resolve("out-tsv"), e -> { });
        assertEquals(3, result.alignmentCurve().size());
        try (var files = Files.list(dir.resolve("cache"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("source-")), "source features cached");
        }
    }

    static final String LISTOPS = """
            task:
              type: classification
              inputShape: [16, 24]
              numClasses: 10
              metric: zeroOneError
              data:
                generator: { name: listops, samples: 60, resolution: 24, options: { maxDepth: "3", minLength: "6" } }
                validationFraction: 0.2
                testFraction: 0.2
            body: { checkpoint: bundled:all-minilm-l6-v2 }
            mode: %s
            source: { dataset: "file:%s", samples: 90 }
            alignment: { metric: otdd-exact, epochs: 3, samplesPerClass: 8, epsilon: 1.0, optimizer: { name: adam, lr: 1.0e-3 } }
            finetune: { epochs: 2, batchSize: 8, optimizer: { name: adamw, lr: 1.0e-4, weightDecay: 0.01 } }
            seed: 3
            """;

    /** A .npz with x (n, d) float32 features in k classes and y labels, written by the .npy spec. */
    static void writeSource(Path file, int n, int d, int k) throws IOException {
        Random random = new Random(1);
        float[] x = new float[n * d];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % k;
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (random.nextGaussian() * 0.1 + (j % k == i % k ? 0.5 : 0));
            }
        }
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(npy(x, "(" + n + ", " + d + ")"));
            zip.putNextEntry(new ZipEntry("y.npy"));
            zip.write(npy(y, "(" + n + ",)"));
        }
    }

    private static byte[] npy(float[] values, String shape) throws IOException {
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + header.length() + 1;
        header = header + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length()).array());
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        out.write(data.array());
        return out.toByteArray();
    }

    private Path experiment(String mode) throws IOException {
        Path source = dir.resolve("source.npz");
        if (!Files.exists(source)) {
            writeSource(source, 90, 384, 3);
        }
        Path yaml = dir.resolve(mode + ".yaml");
        Files.writeString(yaml, String.format(LISTOPS, mode, source));
        return yaml;
    }

    @Test
    void orcaModeAlignsThenFineTunesAndWritesResults() throws IOException {
        OrcaExperimentSpec spec = ExperimentFiles.read(experiment("orca"));
        List<ProgressEvent> events = new ArrayList<>();
        Path out = dir.resolve("out-orca");
        ExperimentRun.Result result = ExperimentRun.run(spec, out, events::add);
        assertEquals(3, result.alignmentCurve().size());
        assertEquals(2, result.trainingLoss().size());
        assertTrue(result.test() >= 0 && result.test() <= 1, "0-1 error " + result.test());
        assertTrue(result.alignmentCurve().stream().allMatch(Double::isFinite));
        // The embedder's trace: before alignment and after each of its 3 epochs; the projection moves, the positions
        // are the body's pretrained ones (spread > 0) and move too, since stage 2 trains them.
        assertEquals(List.of(0, 1, 2, 3), result.embedderTrace().stream().map(t -> t.epoch()).toList());
        var first = result.embedderTrace().get(0);
        var last = result.embedderTrace().get(3);
        assertTrue(first.positionStd() > 0 && first.convWeightNorm() > 0, first.toString());
        assertTrue(last.convWeightNorm() != first.convWeightNorm(), "the projection moved: " + result.embedderTrace());
        assertTrue(last.positionMean() != first.positionMean() || last.positionStd() != first.positionStd(),
                "the positions moved: " + result.embedderTrace());
        JsonNode json = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        assertEquals(4, json.get("embedderTrace").size());
        assertEquals(last.convWeightNorm(), json.get("embedderTrace").get(3).get("convWeightNorm").asDouble(), 1e-12);
        assertEquals("zeroOneError", json.get("metric").asText());
        assertEquals(result.test(), json.get("test").asDouble(), 1e-12);
        assertTrue(events.stream().anyMatch(e -> e.stage() == TrainerStage.ALIGNING));
        assertEquals(TrainerStage.SUCCEEDED, events.get(events.size() - 1).stage());
        assertTrue(Files.exists(out.resolve("checkpoints/align/g3/manifest.json")), "epoch 3's checkpoint, complete");
        assertTrue(Files.exists(out.resolve("checkpoints/finetune/g2/model.safetensors")));

        // A second run on the same directory resumes: both stages are complete, nothing is retrained, and the result
        // still holds the whole run's curves.
        List<ProgressEvent> resumed = new ArrayList<>();
        ExperimentRun.Result again = ExperimentRun.run(spec, out, resumed::add);
        assertTrue(resumed.stream().noneMatch(e -> e.epoch() != null), "no epoch ran again");
        assertEquals(result.alignmentCurve(), again.alignmentCurve());
        assertEquals(result.trainingLoss(), again.trainingLoss());
        assertEquals(result.validationCurve(), again.validationCurve());
        assertEquals(result.test(), again.test(), 1e-9);
    }

    @Test
    void plainFineTuningNeedsNoSource() throws IOException {
        OrcaExperimentSpec spec = ExperimentFiles.read(experiment("finetune"));
        ExperimentRun.Result result = ExperimentRun.run(spec, dir.resolve("out-ft"), e -> { });
        assertTrue(result.alignmentCurve().isEmpty());
        assertTrue(result.embedderTrace().isEmpty());
        assertEquals(2, result.trainingLoss().size());

        // The default scores the best-validated epoch: its model, restored and measured again, gives the figure recorded
        // after that epoch, and no epoch validated better.
        List<Double> curve = result.validationCurve();
        assertEquals(2, curve.size());
        int chosen = result.evaluatedEpoch();
        assertTrue(chosen == 1 || chosen == 2, "epoch " + chosen);
        assertEquals(curve.get(chosen - 1), result.validation(), 1e-12);
        assertTrue(curve.stream().allMatch(v -> v >= result.validation()), curve + " vs " + result.validation());
        if (chosen == 1) {
            assertTrue(curve.get(1) > curve.get(0), "a tie keeps the later epoch " + curve);
        }

        // lastEpoch scores the model after the last epoch: the same training, so the first run's last-epoch test figure.
        spec.finetune.evaluatedModel = OrcaExperimentSpec.EvaluatedModel.LAST_EPOCH;
        ExperimentRun.Result last = ExperimentRun.run(spec, dir.resolve("out-ft-last"), e -> { });
        assertEquals(2, last.evaluatedEpoch());
        assertEquals(last.testLastEpoch(), last.test(), 1e-12);
        assertEquals(result.testLastEpoch(), last.test(), 1e-12);
        assertEquals(curve.get(1), last.validation(), 1e-12);
    }

    /** Another experiment on a directory that holds a finished run trains from scratch; the first run's files are kept aside. */
    @Test
    void aDifferentExperimentOnTheSameDirectoryNeverResumesTheOther() throws IOException {
        Path out = dir.resolve("shared-out");
        OrcaExperimentSpec a = ExperimentFiles.read(experiment("finetune"));
        ExperimentRun.Result first = ExperimentRun.run(a, out, e -> { });
        String firstJson = Files.readString(out.resolve("result.json"));

        OrcaExperimentSpec b = ExperimentFiles.read(experiment("finetune"));
        b.finetune.optimizer.name = OrcaExperimentSpec.OptimizerName.SGD;
        b.finetune.optimizer.lr = 3e-2;
        List<ProgressEvent> events = new ArrayList<>();
        ExperimentRun.Result second = ExperimentRun.run(b, out, events::add);
        assertEquals(2, second.trainingLoss().size(), "b trained its own two epochs instead of resuming a's finished run");
        assertTrue(!second.trainingLoss().equals(first.trainingLoss()), "other optimizer, other losses");
        String said = events.stream().map(ProgressEvent::message).filter(m -> m != null && m.startsWith("started fresh")).findFirst()
                .orElseThrow(() -> new AssertionError("the run says it started fresh"));
        assertTrue(said.contains("fingerprint") && said.contains("superseded"), said);
        try (var aside = Files.list(out.resolve("superseded"))) {
            Path kept = aside.findFirst().orElseThrow();
            assertEquals(firstJson, Files.readString(kept.resolve("result.json")), "a's result is kept, not overwritten");
        }

        // The same experiment again resumes its own finished run; operational fields (runPolicy) do not change what it is.
        b.runPolicy.backoffLimit = 7;
        List<ProgressEvent> again = new ArrayList<>();
        ExperimentRun.run(b, out, again::add);
        assertTrue(again.stream().noneMatch(e -> e.epoch() != null), "resumed, nothing retrained");
        assertTrue(again.stream().noneMatch(e -> e.message() != null && e.message().startsWith("started fresh")));
    }

    @Test
    void badExperimentsFailBeforeTrainingNamingTheField() throws IOException {
        Path yaml = experiment("orca");
        String text = Files.readString(yaml);
        Files.writeString(yaml, text.replace("numClasses: 10", "numClasses: 4"));
        IllegalArgumentException labels = assertThrows(IllegalArgumentException.class,
                () -> ExperimentRun.run(ExperimentFiles.read(yaml), dir.resolve("x"), e -> { }));
        assertTrue(labels.getMessage().contains("spec.task.numClasses"), labels.getMessage());

        Files.writeString(yaml, text.replace("inputShape: [16, 24]", "inputShape: [16, 30]"));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> ExperimentRun.run(ExperimentFiles.read(yaml), dir.resolve("y"), e -> { }));
        assertTrue(shape.getMessage().contains("spec.task.inputShape"), shape.getMessage());

        Files.writeString(yaml, text.replace("type: classification", "type: regression"));
        ExperimentFiles.InvalidExperiment type = assertThrows(ExperimentFiles.InvalidExperiment.class, () -> ExperimentFiles.read(yaml));
        assertTrue(type.getMessage().contains("regression") && type.getMessage().contains("spec.task.type"), type.getMessage());

        Files.writeString(yaml, text.replace("epochs: 2", "epochs: 0"));
        ExperimentFiles.InvalidExperiment epochs = assertThrows(ExperimentFiles.InvalidExperiment.class, () -> ExperimentFiles.read(yaml));
        assertTrue(epochs.getMessage().contains("spec.finetune.epochs"), epochs.getMessage());

        Files.writeString(yaml, "apiVersion: orca.dev/v1alpha1\nkind: OrcaExperiment\nmetadata: { name: x }\nspec:\n"
                + text.lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n"));
        assertEquals(OrcaExperimentSpec.Mode.ORCA, ExperimentFiles.read(yaml).mode, "a whole resource reads too");

        // A wrong enum value: the field and the values it takes, as written in YAML, not the Java type.
        Files.writeString(yaml, text.replace("mode: orca", "mode: banana"));
        String banana = assertThrows(ExperimentFiles.InvalidExperiment.class, () -> ExperimentFiles.read(yaml)).getMessage();
        assertTrue(banana.contains("spec.mode: \"banana\" is not one of orca, ") && banana.contains("finetune-layernorm")
                && !banana.contains("dev.orca"), banana);
    }

    /** JSB Chorales' format with its own three splits: multi-label next-frame prediction scored by NLL. */
    @Test
    void jsbChoralesNextFrameWithTheirOwnSplitsAndAReport() throws IOException {
        Random random = new Random(5);
        StringBuilder json = new StringBuilder("{");
        String[] splits = {"train", "valid", "test"};
        for (int s = 0; s < 3; s++) {
            json.append(s == 0 ? "" : ",").append('"').append(splits[s]).append("\": [");
            for (int c = 0; c < 4; c++) {
                json.append(c == 0 ? "" : ",").append('[');
                for (int t = 0; t < 9; t++) {
                    int root = 48 + random.nextInt(12);
                    json.append(t == 0 ? "" : ",").append('[').append(root).append(',').append(root + 4).append(',').append(root + 7).append(']');
                }
                json.append(']');
            }
            json.append(']');
        }
        Path data = dir.resolve("jsb.json");
        Files.writeString(data, json.append('}').toString());
        Path yaml = dir.resolve("jsb.yaml");
        Files.writeString(yaml, """
                task:
                  type: multilabel
                  inputShape: [88, 4]
                  numClasses: 88
                  metric: nll
                  data: { files: { train: "%s", format: json } }
                mode: finetune
                finetune: { epochs: 2, batchSize: 16, optimizer: { name: adamw, lr: 1.0e-3 } }
                """.formatted(data));
        Path out = dir.resolve("out-jsb");
        ExperimentRun.Result result = ExperimentRun.run(ExperimentFiles.read(yaml), out, e -> { });
        assertEquals("nll", result.metric());
        // 88 independent Bernoullis: an untrained model is near 88·ln 2 ≈ 61; two epochs must have learnt sparsity.
        assertTrue(result.test() > 0 && result.test() < 61, "NLL " + result.test());
        assertTrue(result.trainingLoss().get(1) < result.trainingLoss().get(0), "loss falls " + result.trainingLoss());
        String report = Files.readString(out.resolve("report.html"));
        assertTrue(report.contains("<polyline") && report.contains("nll"), "report with the loss curve");
        assertTrue(report.contains("No alignment in this run"));
    }

    /** Spherical projection of an IDX image set (the Spherical MNIST recipe), and the idx format itself. */
    @Test
    void sphericalProjectionOfIdxImagesAndIdxFiles() throws IOException {
        writeIdxPair(40);
        Path images = dir.resolve("images-idx3-ubyte");
        Path labelFile = dir.resolve("labels-idx1-ubyte");
        String common = """
                  type: classification
                  numClasses: 2
                  metric: zeroOneError
                mode: finetune
                finetune: { epochs: 1, batchSize: 8 }
                """;
        Path spherical = dir.resolve("spherical.yaml");
        Files.writeString(spherical, """
                task:
                  inputShape: [1, 12, 12]
                  data: { generator: { name: spherical-mnist, samples: 30, resolution: 12, options: { images: "%s", labels: "%s" } } }
                """.formatted(images, labelFile) + common);
        ExperimentRun.Result projected = ExperimentRun.run(ExperimentFiles.read(spherical), dir.resolve("out-sph"), e -> { });
        assertEquals(1, projected.trainingLoss().size());

        Path idx = dir.resolve("idx.yaml");
        Files.writeString(idx, """
                task:
                  inputShape: [1, 28, 28]
                  data: { files: { train: "%s", trainLabels: "%s", format: idx } }
                """.formatted(images, labelFile) + common);
        ExperimentRun.Result planar = ExperimentRun.run(ExperimentFiles.read(idx), dir.resolve("out-idx"), e -> { });
        assertTrue(planar.test() >= 0 && planar.test() <= 1, "grey IDX images gain their channel axis");

        Files.writeString(idx, Files.readString(idx).replace("[1, 28, 28]", "[1, 32, 32]"));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> ExperimentRun.run(ExperimentFiles.read(idx), dir.resolve("out-idx1"), e -> { }));
        assertTrue(shape.getMessage().contains("spec.task.inputShape"), shape.getMessage());

        Files.writeString(idx, Files.readString(idx).replace(", trainLabels: \"" + labelFile + "\"", ""));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ExperimentRun.run(ExperimentFiles.read(idx), dir.resolve("out-idx2"), e -> { }));
        assertTrue(missing.getMessage().contains("spec.task.data.files.trainLabels"), missing.getMessage());
    }

    /**
     * Cosmic's ignore mask reaches the training loss, as the official train_one_epoch applies it: two datasets that differ
     * only in the targets of ignored pixels train identically; without the mask the same two datasets do not.
     */
    @Test
    void ignoredPixelsDoNotTrain() throws IOException {
        int n = 24;
        int w = 16;
        Random random = new Random(4);
        float[] x = new float[n * w];
        float[] y = new float[n * w];
        float[] other = new float[n * w];
        float[] ignore = new float[n * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
            y[i] = x[i] > 0 ? 1 : 0;
            ignore[i] = i % 4 == 0 ? 1 : 0;
            other[i] = ignore[i] == 1 ? 1 - y[i] : y[i];
        }
        List<List<Double>> losses = new ArrayList<>();
        for (boolean masked : new boolean[] {true, false}) {
            for (float[] targets : List.of(y, other)) {
                Path npz = dir.resolve("cosmic-" + masked + "-" + losses.size() + ".npz");
                try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(npz))) {
                    zip.putNextEntry(new ZipEntry("x.npy"));
                    zip.write(npy(x, "(" + n + ", 1, " + w + ")"));
                    zip.putNextEntry(new ZipEntry("y.npy"));
                    zip.write(npy(targets, "(" + n + ", 1, " + w + ")"));
                    if (masked) {
                        zip.putNextEntry(new ZipEntry("ignore.npy"));
                        zip.write(npy(ignore, "(" + n + ", 1, " + w + ")"));
                    }
                }
                Path yaml = Files.writeString(dir.resolve("cosmic.yaml"), """
                        task: { type: dense, inputShape: [1, %d], outputShape: [1, %d], metric: oneMinusAuroc, loss: binaryCrossEntropy,
                                data: { files: { train: "%s", format: npz }, testFraction: 0.25 } }
                        body: { checkpoint: bundled:all-minilm-l6-v2 }
                        mode: finetune
                        finetune: { epochs: 2, batchSize: 6, optimizer: { name: adamw, lr: 1.0e-3 } }
                        seed: 2
                        """.formatted(w, w, npz));
                ExperimentRun.Result result = ExperimentRun.run(ExperimentFiles.read(yaml), dir.resolve("out-" + npz.getFileName()), e -> { });
                losses.add(result.trainingLoss());
            }
        }
        assertEquals(losses.get(0), losses.get(1), "masked: the ignored pixels' targets do not matter");
        assertTrue(!losses.get(2).equals(losses.get(3)), "unmasked, they do: " + losses.get(2) + " vs " + losses.get(3));
    }

    /** CIFAR-10's binary format: label byte, then 1024 R, G, B bytes; class c is brightest in channel c % 3. */
    private static void writeCifar(Path file, int n) throws IOException {
        Random random = new Random(9);
        byte[] bytes = new byte[n * 3073];
        for (int i = 0; i < n; i++) {
            int label = i % 3;
            bytes[i * 3073] = (byte) label;
            for (int p = 0; p < 3072; p++) {
                bytes[i * 3073 + 1 + p] = (byte) ((p / 1024 == label ? 180 : 40) + random.nextInt(50));
            }
        }
        Files.write(file, bytes);
    }

    /**
     * The ORCA workflow on a vision body: a tiny random Swin (the parity fixture as a Hugging Face directory), Darcy
     * Flow resized to its resolution and folded back, CIFAR-10-format proxy images embedded by the body's own patch embedding.
     */
    @Test
    void denseTwoDimensionalTaskOnASwinBodyWithAnImageProxy() throws IOException {
        Path cifar = dir.resolve("cifar");
        Files.createDirectories(cifar);
        writeCifar(cifar.resolve("data_batch_1.bin"), 60);
        Path swin = Path.of("src/test/resources/fixtures/vision/swin").toAbsolutePath();
        Path yaml = dir.resolve("darcy-swin.yaml");
        Files.writeString(yaml, """
                task:
                  type: dense
                  inputShape: [1, 21, 21]
                  outputShape: [1, 21, 21]
                  metric: relativeL2
                  data:
                    generator: { name: darcy-flow, samples: 40, resolution: 21 }
                    validationFraction: 0.2
                    testFraction: 0.2
                body: { checkpoint: "file:%s" }
                source: { dataset: "cifar10:%s", samples: 60 }
                mode: orca
                alignment: { metric: otdd-exact, epochs: 3, samplesPerClass: 8, epsilon: 1.0, pseudoLabels: 3, optimizer: { name: adam, lr: 1.0e-3 } }
                finetune: { epochs: 2, batchSize: 8, optimizer: { name: adamw, lr: 1.0e-3 } }
                """.formatted(swin, cifar));
        Path out = dir.resolve("out-swin");
        ExperimentRun.Result result = ExperimentRun.run(ExperimentFiles.read(yaml), out, e -> { });
        assertEquals(3, result.alignmentCurve().size());
        assertTrue(result.alignmentCurve().get(2) < result.alignmentCurve().get(0), "alignment lowers the OTDD " + result.alignmentCurve());
        assertTrue(Double.isFinite(result.test()) && result.test() > 0, "relative L2 " + result.test());
        assertEquals(2, result.trainingLoss().size());

        // A 1D task cannot use a vision body: named before training.
        Path listops = experiment("finetune");
        Files.writeString(listops, Files.readString(listops).replace("checkpoint: bundled:all-minilm-l6-v2", "checkpoint: \"file:" + swin + "\""));
        IllegalArgumentException oneD = assertThrows(IllegalArgumentException.class,
                () -> ExperimentRun.run(ExperimentFiles.read(listops), dir.resolve("x1"), e -> { }));
        assertTrue(oneD.getMessage().contains("spec.task.inputShape") && oneD.getMessage().contains("vision body"), oneD.getMessage());
    }

    /** A ViT body for classification (three input channels from one: the pretrained patch embedding's channels tiled). */
    @Test
    void classificationOnAViTBody() throws IOException {
        Path vit = Path.of("src/test/resources/fixtures/vision/vit").toAbsolutePath();
        Path yaml = dir.resolve("vit.yaml");
        Files.writeString(yaml, """
                task:
                  type: classification
                  inputShape: [1, 12, 12]
                  numClasses: 2
                  metric: zeroOneError
                  data:
                    generator: { name: spherical-mnist, samples: 30, resolution: 12, options: { images: "%s", labels: "%s" } }
                body: { checkpoint: "file:%s", pooling: cls }
                mode: finetune-layernorm
                finetune: { epochs: 1, batchSize: 8 }
                """.formatted(dir.resolve("images-idx3-ubyte"), dir.resolve("labels-idx1-ubyte"), vit));
        writeIdxPair(40);
        ExperimentRun.Result result = ExperimentRun.run(ExperimentFiles.read(yaml), dir.resolve("out-vit"), e -> { });
        assertTrue(result.test() >= 0 && result.test() <= 1);
    }

    /**
     * An MNIST-shaped IDX pair in {@code dir}: {@code images-idx3-ubyte} (n, 28, 28) and {@code labels-idx1-ubyte}; class 1
     * is bright in the left half and class 0 in the right, so that it stays learnable after a spherical projection.
     */
    private void writeIdxPair(int n) throws IOException {
        Random random = new Random(2);
        byte[] pixels = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 2);
            for (int p = 0; p < 784; p++) {
                boolean left = p % 28 < 14;
                pixels[i * 784 + p] = (byte) ((left == (i % 2 == 1) ? 200 : 0) + random.nextInt(40));
            }
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve("images-idx3-ubyte"))) {
            dev.orca.trainer.data.ReadersTest.writeIdx(out, 0x08, new int[] {n, 28, 28}, pixels);
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve("labels-idx1-ubyte"))) {
            dev.orca.trainer.data.ReadersTest.writeIdx(out, 0x08, new int[] {n}, labels);
        }
    }
}
