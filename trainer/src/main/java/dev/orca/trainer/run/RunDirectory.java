package dev.orca.trainer.run;

import dev.orca.crd.TrainerCommand;
import java.nio.file.Path;
import java.util.List;

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

    /** The files and directories a run owns: what moves aside, together, when another experiment takes the directory. */
    public List<Path> owned() {
        return List.of(identity(), checkpoints(), result(), report(), trial(), alignment());
    }
}
