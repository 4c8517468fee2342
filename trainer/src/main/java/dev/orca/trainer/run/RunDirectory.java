package dev.orca.trainer.run;

import dev.orca.crd.TrainerCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The layout of a run's output directory, in one place: what each file is called, which of them belong to the run
 * (and so move aside when another experiment takes the directory), and where its search trials and body candidates go.
 */
public record RunDirectory(Path root) {
    /** The run's identity (RunIdentity). */
    public Path identity() {
        return root.resolve("run.json");
    }

    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    public Path result() {
        return root.resolve("result.json");
    }

    public Path report() {
        return root.resolve("report.html");
    }

    /** One search trial's validation curve across its rungs. */
    public Path trial() {
        return root.resolve("trial.json");
    }

    /** One body candidate's alignment curve. */
    public Path alignment() {
        return root.resolve("alignment.json");
    }

    /** The MLflow run this directory's run logs to (MlflowSink), so that a resumed run continues it. */
    public Path tracking() {
        return root.resolve("tracking.json");
    }

    public Path progress() {
        return root.resolve("progress.jsonl");
    }

    /** The local search's summary table. */
    public Path search() {
        return root.resolve("search.json");
    }

    /** Where another experiment's files go when this one takes the directory. */
    public Path superseded() {
        return root.resolve("superseded");
    }

    /** Search trial {@code i}'s own run directory (the operator's trial Jobs use the same, {@link TrainerCommand}). */
    public RunDirectory trialRun(int i) {
        return new RunDirectory(root.resolve(TrainerCommand.trialDirectory(i)));
    }

    /** Body-selection candidate {@code i}'s own run directory. */
    public RunDirectory candidateRun(int i) {
        return new RunDirectory(root.resolve(TrainerCommand.candidateDirectory(i)));
    }

    /** Run {@code i} of the paired comparison's own run directory. */
    public RunDirectory comparisonRun(int i) {
        return new RunDirectory(root.resolve(TrainerCommand.comparisonDirectory(i)));
    }

    /** {@code comparison.json}: the paired comparison's runs and gaps, for a local run (the operator keeps them in status). */
    public Path comparison() {
        return root.resolve("comparison.json");
    }

    /** The files and directories a run owns: what moves aside, together, when another experiment takes the directory. */
    public List<Path> owned() {
        return List.of(identity(), checkpoints(), result(), report(), trial(), alignment(), comparison(), tracking());
    }

    /**
     * Why this directory must not be written into, if so: it is a file, or it holds entries and none of them is a run's
     * (a home directory, a data set given as {@code --out} by mistake; a run moves only its own files aside, but the
     * user's would sit among checkpoints and a lock). Empty for a missing or empty directory and for any run's.
     */
    public java.util.Optional<String> notARun() {
        if (!Files.exists(root)) {
            return java.util.Optional.empty();
        }
        if (!Files.isDirectory(root)) {
            return java.util.Optional.of(root + " is a file, not a directory");
        }
        // A run's own files, the entries every run may add, and the parents of its trials' and candidates' directories.
        List<String> known = Stream.concat(owned().stream(), Stream.of(progress(), search(), superseded(), root.resolve(RunLock.FILE),
                        trialRun(0).root().getParent(), candidateRun(0).root().getParent(),
                        comparisonRun(0).root().getParent(), comparison()))
                .map(p -> p.getFileName().toString()).toList();
        try (Stream<Path> entries = Files.list(root)) {
            List<String> names = entries.map(p -> p.getFileName().toString()).sorted().toList();
            if (names.isEmpty() || names.stream().anyMatch(known::contains)) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(root + " is not empty and holds no Orca run (" + String.join(", ", names.subList(0, Math.min(3, names.size())))
                    + (names.size() > 3 ? ", ... " + names.size() + " entries" : "") + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }
}
