package dev.orca.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.trainer.checkpoint.Safetensors;
import dev.orca.trainer.checkpoint.TensorData;
import dev.orca.trainer.io.AtomicFiles;
import dev.orca.trainer.io.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A run's checkpoints in a directory (a PVC in the cluster), one stage per subdirectory. Each save is a new
 * generation {@code <stage>/g<n>/} holding {@code model.safetensors} (every parameter under its block path),
 * {@code optimizer.safetensors} (moments), {@code progress.json} (where the run is) and, written last,
 * {@code manifest.json} with each file's size and SHA-256. The manifest makes the three files one unit: a generation
 * without one (the pod died mid-save), or whose files do not match it (truncated, corrupted), is skipped and the
 * previous generation loaded. The newest two complete generations are kept.
 */
public final class RunCheckpoint {

    /**
     * Where a run stands; what {@code progress.json} holds. {@code curve}: the stage's figure after each completed epoch
     * (the mean training loss, or the alignment distance), so that a resumed run reports its whole curve;
     * {@code validation}: the validation figure after each completed epoch when the run measures one. Either is null when
     * not kept (and in checkpoints written before they existed).
     */
    public record Progress(String stage, int completedEpochs, long optimizerSteps, long dropoutCalls, double lastLoss,
                           List<Double> curve, List<Double> validation) {}

    /** What {@code manifest.json} holds: the run's fingerprint ({@code run.json}'s) and each file's size and SHA-256. */
    record Manifest(String run, Map<String, FileDigest> files) {}

    record FileDigest(long size, String sha256) {}

    static final String MODEL = "model.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String PROGRESS = "progress.json";
    static final String MANIFEST = "manifest.json";
    private static final int KEPT = 2;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path directory;
    private final String run;
    private final Consumer<String> afterEachFile;
    private final Consumer<String> warnings;

    /** Checkpoints of no particular run: nothing restored is checked against a fingerprint. */
    public RunCheckpoint(Path directory) {
        this(directory, null);
    }

    /**
     * Checkpoints of the run with fingerprint {@code run} ({@link dev.orca.trainer.run.RunIdentity}): each generation
     * records it, and a restore skips any generation that records another (a second writer, a copied directory).
     */
    public RunCheckpoint(Path directory, String run) {
        this(directory, run, file -> { }, message -> System.err.println("checkpoint: " + message));
    }

    /**
     * {@code afterEachFile} is called with each file's name once it is in place (tests inject a crash there);
     * {@code warnings} hears of skipped generations.
     */
    RunCheckpoint(Path directory, Consumer<String> afterEachFile, Consumer<String> warnings) {
        this(directory, null, afterEachFile, warnings);
    }

    RunCheckpoint(Path directory, String run, Consumer<String> afterEachFile, Consumer<String> warnings) {
        this.directory = directory;
        this.run = run;
        this.afterEachFile = afterEachFile;
        this.warnings = warnings;
    }

    /**
     * Saves a new generation. Incomplete generations (a pod that died mid-save) go first, so their space is free for
     * this one; a save that fails (a full disk, a lost volume) removes what it wrote and throws an
     * {@link UncheckedIOException}, which the trainer reports as retryable, leaving the complete generations as they were.
     */
    public void save(String stage, Block model, ParameterUpdater.State optimizer, Progress progress) {
        for (Path g : generations(stage)) {
            if (!Files.exists(g.resolve(MANIFEST))) {
                FileTrees.delete(g);
            }
        }
        List<Path> before = generations(stage);
        int next = before.isEmpty() ? 1 : generation(before.get(0)) + 1;
        Path dir = directory.resolve(stage).resolve("g" + next);
        try {
            Files.createDirectories(dir);
            List<TensorData> tensors = new ArrayList<>();
            for (Pair<String, Parameter> p : model.getParameters()) {
                NDArray array = p.getValue().getArray();
                tensors.add(new TensorData(p.getKey(), array.getShape().getShape(), array.toFloatArray()));
            }
            Safetensors.write(dir.resolve(MODEL), tensors, Map.of());
            afterEachFile.accept(MODEL);
            List<TensorData> moments = new ArrayList<>();
            optimizer.moments().forEach((name, values) -> moments.add(new TensorData(name, new long[] {values.length}, values)));
            Safetensors.write(dir.resolve(OPTIMIZER), moments, Map.of("steps", Long.toString(optimizer.steps())));
            afterEachFile.accept(OPTIMIZER);
            JSON.writeValue(dir.resolve(PROGRESS).toFile(), progress);
            afterEachFile.accept(PROGRESS);
            Map<String, FileDigest> digests = new LinkedHashMap<>();
            for (String f : List.of(MODEL, OPTIMIZER, PROGRESS)) {
                digests.put(f, digest(dir.resolve(f)));
            }
            AtomicFiles.writeJson(dir.resolve(MANIFEST), new Manifest(run, digests));
            afterEachFile.accept(MANIFEST);
        } catch (IOException | RuntimeException e) {
            RuntimeException failure = e instanceof RuntimeException r ? r
                    : new UncheckedIOException("cannot write checkpoint in " + dir + ": " + e.getMessage(), (IOException) e);
            try {
                FileTrees.delete(dir);
            } catch (RuntimeException cleanup) {
                failure.addSuppressed(cleanup); // the next save removes it: a generation without a manifest is never read
            }
            throw failure;
        }
        // Older generations go once the new one is complete; the newest two stay, so a damaged newest one has a fallback.
        List<Path> kept = generations(stage);
        for (Path old : kept.subList(Math.min(KEPT, kept.size()), kept.size())) {
            FileTrees.delete(old);
        }
    }

    /**
     * Restores the model's parameters from the newest intact generation and returns the run's position and optimizer
     * state; empty when the stage has none (never saved, or every generation damaged: the stage starts over). Each
     * generation is verified once here, so a resume hashes the checkpoint it loads once.
     */
    public Optional<Restored> restore(String stage, Block model) {
        List<String> skipped = new ArrayList<>();
        for (Path dir : generations(stage)) {
            Optional<String> damage = verify(dir);
            if (damage.isPresent()) {
                skipped.add(dir.getFileName() + " (" + damage.get() + ")");
                continue;
            }
            if (!skipped.isEmpty()) {
                warnings.accept(directory.resolve(stage) + ": skipped " + String.join(", ", skipped) + "; resuming from " + dir.getFileName());
            }
            return Optional.of(load(dir, model));
        }
        if (!skipped.isEmpty()) {
            warnings.accept(directory.resolve(stage) + ": no intact checkpoint (skipped " + String.join(", ", skipped)
                    + "); the stage starts over");
        }
        return Optional.empty();
    }

    /** {@link #restore} where a checkpoint must exist. */
    public Restored load(String stage, Block model) {
        return restore(stage, model).orElseThrow(() -> new IllegalStateException(directory.resolve(stage) + ": no intact checkpoint"));
    }

    private Restored load(Path dir, Block model) {
        try {
            Progress progress = JSON.readValue(dir.resolve(PROGRESS).toFile(), Progress.class);
            Map<String, TensorData> saved = Safetensors.read(dir.resolve(MODEL));
            for (Pair<String, Parameter> p : model.getParameters()) {
                TensorData t = saved.get(p.getKey());
                NDArray array = p.getValue().getArray();
                if (t == null || !Arrays.equals(t.shape(), array.getShape().getShape())) {
                    throw new IllegalStateException(dir + ": checkpoint does not match the model at parameter " + p.getKey());
                }
                array.set(FloatBuffer.wrap(t.values()));
            }
            Map<String, float[]> moments = new LinkedHashMap<>();
            Safetensors.read(dir.resolve(OPTIMIZER)).forEach((name, t) -> moments.put(name, t.values()));
            return new Restored(progress, new ParameterUpdater.State(progress.optimizerSteps(), moments));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint in " + dir, e);
        }
    }

    /** What is wrong with a generation, if anything: no manifest, another run's, a missing file, another size or digest. */
    private Optional<String> verify(Path dir) {
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.exists(manifestFile)) {
            return Optional.of("incomplete: no " + MANIFEST);
        }
        try {
            Manifest manifest = JSON.readValue(manifestFile.toFile(), Manifest.class);
            if (manifest.files() == null || !manifest.files().keySet().containsAll(List.of(MODEL, OPTIMIZER, PROGRESS))) {
                return Optional.of(MANIFEST + " lists " + (manifest.files() == null ? "nothing" : manifest.files().keySet()));
            }
            if (run != null && !run.equals(manifest.run())) {
                return Optional.of("another run's (fingerprint " + shortId(manifest.run()) + "; this run is " + shortId(run) + ")");
            }
            for (var e : manifest.files().entrySet()) {
                Path f = dir.resolve(e.getKey());
                if (!Files.exists(f)) {
                    return Optional.of(e.getKey() + " missing");
                }
                FileDigest actual = digest(f);
                if (!actual.equals(e.getValue())) {
                    return Optional.of(e.getKey() + " differs from its manifest entry (" + actual.size() + " bytes, expected "
                            + e.getValue().size() + ")");
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(MANIFEST + " unreadable: " + e.getMessage());
        }
    }

    /** The stage's generation directories, newest first. */
    private List<Path> generations(String stage) {
        Path dir = directory.resolve(stage);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(p -> p.getFileName().toString().matches("g[0-9]{1,9}") && Files.isDirectory(p))
                    .sorted(Comparator.comparingInt(RunCheckpoint::generation).reversed()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static String shortId(String fingerprint) {
        return fingerprint == null ? "none" : fingerprint.substring(0, Math.min(12, fingerprint.length()));
    }

    private static int generation(Path dir) {
        return Integer.parseInt(dir.getFileName().toString().substring(1));
    }

    static FileDigest digest(Path file) throws IOException {
        MessageDigest sha = FileTrees.sha256();
        long size = FileTrees.digest(sha, file);
        return new FileDigest(size, HexFormat.of().formatHex(sha.digest()));
    }

    /** A loaded checkpoint. */
    public record Restored(Progress progress, ParameterUpdater.State optimizer) {}
}
