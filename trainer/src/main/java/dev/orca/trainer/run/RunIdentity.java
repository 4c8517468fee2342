package dev.orca.trainer.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.trainer.checkpoint.BodyCheckpoints;
import dev.orca.trainer.io.AtomicFiles;
import dev.orca.trainer.io.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a run directory holds a run of, so that a run never resumes or reports another's work (a second experiment
 * given the same {@code --out}, an experiment deleted and re-created under its name on the same claim).
 *
 * <p>The fingerprint covers everything that determines the run: its kind (the experiment, a search trial, a
 * body-selection candidate), the spec without its operational fields ({@code runPolicy}, {@code resources},
 * {@code storage}, {@code image}: where and how it runs, not what it computes), the body checkpoints' content (SHA-256
 * of their files; a bundled body by its name, as the jar fixes its content) and the data files' identities (path, size,
 * modification time: hashing gigabytes of data on every resume would cost more than it protects). It is recorded in
 * {@code run.json}. A directory holding a run with another fingerprint, or files of a run from before fingerprints,
 * is not resumed: the run's own files move to {@code superseded/<time>-<old fingerprint>/} (nothing is lost) and the
 * run starts fresh, saying so. Files that are not the run's own (the progress log, the search's table, the
 * trials' and candidates' directories, each a run of its own) stay.
 */
public final class RunIdentity {
    private RunIdentity() {}

    /** What {@code run.json} holds. */
    public record Recorded(String fingerprint, String kind, Map<String, String> inputs) {}

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** The fingerprint of a run of this kind ("run", "trial 3", "candidate 1") of the spec. */
    public static Recorded of(String kind, OrcaExperimentSpec spec) {
        Map<String, String> inputs = new TreeMap<>();
        List<String> bodies = new ArrayList<>();
        bodies.add(spec.body.checkpoint);
        if (spec.body.candidates != null) {
            bodies.addAll(spec.body.candidates);
        }
        for (String body : bodies) {
            inputs.put("body " + body, bodyContent(body));
        }
        if (spec.task.data.files != null) {
            var f = spec.task.data.files;
            for (String location : new String[] {f.train, f.test, f.trainLabels, f.testLabels}) {
                if (location != null) {
                    inputs.put("data " + location, fileIdentity(dev.orca.trainer.data.Volumes.path(location)));
                }
            }
        }
        if (spec.source.dataset != null && spec.source.dataset.startsWith("file:")) {
            inputs.put("source " + spec.source.dataset, fileIdentity(Path.of(spec.source.dataset.substring("file:".length()))));
        }
        ObjectNode what = JSON.valueToTree(spec);
        what.remove(List.of("runPolicy", "resources", "storage", "image"));
        Map<String, Object> all = new TreeMap<>();
        all.put("kind", kind);
        all.put("spec", JSON.convertValue(what, Map.class));
        all.put("inputs", inputs);
        try {
            byte[] canonical = JSON.writeValueAsBytes(all);
            return new Recorded(HexFormat.of().formatHex(FileTrees.sha256().digest(canonical)), kind, inputs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Takes the directory for this run: resumes (returns empty) when it holds this run or nothing of a run; otherwise
     * moves the other run's files aside and returns what to tell the user.
     */
    public static Optional<String> claim(Path out, Recorded run) {
        RunDirectory directory = new RunDirectory(out);
        Path file = directory.identity();
        Optional<String> message = Optional.empty();
        Optional<Recorded> held = read(file);
        List<Path> owned = directory.owned().stream().filter(Files::exists).toList();
        if (held.isPresent() && held.get().fingerprint().equals(run.fingerprint())) {
            return message;
        }
        if (!owned.isEmpty()) {
            String old = held.map(r -> r.fingerprint().substring(0, 12)).orElse("unknown");
            Path aside = directory.superseded().resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + old);
            try {
                Files.createDirectories(aside);
                for (Path p : owned) {
                    Files.move(p, aside.resolve(p.getFileName()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot move the earlier run in " + out + " aside", e);
            }
            message = Optional.of(String.format("started fresh: %s held %s (fingerprint %s), not this %s (fingerprint %s); its files"
                            + " are in %s", out, held.map(r -> "a " + r.kind()).orElse("a run from before run fingerprints"), old,
                    run.kind(), run.fingerprint().substring(0, 12), aside));
        }
        AtomicFiles.write(file, tmp -> JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), run));
        return message;
    }

    private static Optional<Recorded> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            Recorded r = JSON.readValue(file.toFile(), Recorded.class);
            return r.fingerprint() == null ? Optional.empty() : Optional.of(r);
        } catch (IOException e) {
            return Optional.empty(); // unreadable: treated as a run of unknown identity, moved aside
        }
    }

    private static String bodyContent(String reference) {
        if (reference.startsWith("bundled:")) {
            return reference;
        }
        Path path = BodyCheckpoints.directory(reference)
                .orElse(Path.of(reference.startsWith("file:") ? reference.substring("file:".length()) : reference));
        if (!Files.exists(path)) {
            return "absent"; // loading it fails with the reason; nothing to resume either way
        }
        MessageDigest sha = FileTrees.sha256();
        try {
            List<Path> files;
            if (Files.isDirectory(path)) {
                try (Stream<Path> children = Files.list(path)) {
                    files = children.filter(Files::isRegularFile).sorted().toList();
                }
            } else {
                files = Stream.of(path, path.resolveSibling("tokenizer.json")).filter(Files::isRegularFile).toList();
            }
            for (Path f : files) {
                sha.update(f.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                FileTrees.digest(sha, f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the body checkpoint " + path, e);
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private static String fileIdentity(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) + " bytes, modified " + Files.getLastModifiedTime(file) : "absent";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
