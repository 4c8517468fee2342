package dev.orca.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.trainer.checkpoint.Safetensors;
import dev.orca.trainer.checkpoint.TensorData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's checkpoint in a directory (a PVC in the cluster): {@code model.safetensors} (every parameter
 * under its block path), {@code optimizer.safetensors} (moments), {@code progress.json} (where the run
 * is). Each is written to a temporary name and moved into place, and {@code progress.json} last, so a
 * pod killed mid-write leaves the previous checkpoint usable.
 */
public final class RunCheckpoint {

    /** Where a run stands; what {@code progress.json} holds. */
    public record Progress(String stage, int completedEpochs, long optimizerSteps, long dropoutCalls, double lastLoss) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path directory;

    public RunCheckpoint(Path directory) {
        this.directory = directory;
    }

    public boolean exists(String stage) {
        return Files.exists(directory.resolve(stage).resolve("progress.json"));
    }

    public void save(String stage, Block model, Optimizer.State optimizer, Progress progress) {
        Path dir = directory.resolve(stage);
        try {
            Files.createDirectories(dir);
            List<TensorData> tensors = new ArrayList<>();
            for (Pair<String, Parameter> p : model.getParameters()) {
                NDArray array = p.getValue().getArray();
                tensors.add(new TensorData(p.getKey(), array.getShape().getShape(), array.toFloatArray()));
            }
            writeAtomically(dir.resolve("model.safetensors"), file -> Safetensors.write(file, tensors, Map.of()));
            List<TensorData> moments = new ArrayList<>();
            optimizer.moments().forEach((name, values) -> moments.add(new TensorData(name, new long[] {values.length}, values)));
            writeAtomically(dir.resolve("optimizer.safetensors"), file -> Safetensors.write(file, moments,
                    Map.of("steps", Long.toString(optimizer.steps()))));
            writeAtomically(dir.resolve("progress.json"), file -> {
                try {
                    JSON.writeValue(file.toFile(), progress);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint in " + dir, e);
        }
    }

    /** Restores the model's parameters and returns the run's position and optimizer state. */
    public Restored load(String stage, Block model) {
        Path dir = directory.resolve(stage);
        try {
            Progress progress = JSON.readValue(dir.resolve("progress.json").toFile(), Progress.class);
            Map<String, TensorData> saved = Safetensors.read(dir.resolve("model.safetensors"));
            for (Pair<String, Parameter> p : model.getParameters()) {
                TensorData t = saved.get(p.getKey());
                NDArray array = p.getValue().getArray();
                if (t == null || !Arrays.equals(t.shape(), array.getShape().getShape())) {
                    throw new IllegalStateException(dir + ": checkpoint does not match the model at parameter " + p.getKey());
                }
                array.set(FloatBuffer.wrap(t.values()));
            }
            Map<String, float[]> moments = new LinkedHashMap<>();
            Safetensors.read(dir.resolve("optimizer.safetensors")).forEach((name, t) -> moments.put(name, t.values()));
            return new Restored(progress, new Optimizer.State(progress.optimizerSteps(), moments));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint in " + dir, e);
        }
    }

    /** A loaded checkpoint. */
    public record Restored(Progress progress, Optimizer.State optimizer) {}

    private interface Writer {
        void write(Path file) throws IOException;
    }

    private static void writeAtomically(Path target, Writer writer) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        writer.write(tmp);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
