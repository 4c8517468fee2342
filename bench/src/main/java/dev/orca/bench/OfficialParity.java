package dev.orca.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.trainer.io.AtomicFiles;
import dev.orca.trainer.run.ExperimentFiles;
import dev.orca.trainer.run.ExperimentRun;
import dev.orca.trainer.run.OfficialInputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: the end-to-end side of {@code bench/run official-parity}. Per seed, Orca writes the run's inputs
 * ({@link OfficialInputs}: splits, source features, body, the authors' hyperparameters); then Orca ({@code orca run}, a
 * JVM per run) and the authors' src/main.py ({@code bench/official/end_to_end.py}, a Python process per run) each train
 * in the orca and finetune modes on them. Prints each implementation's test figures and its paired ORCA − fine-tuning
 * gap (same seed, same split, same source, same budget), and writes them to {@code <out>/<task>/side-by-side.json}.
 *
 * <p>{@code OfficialParity <experiment.yaml> <python> <end_to_end.py> <checkout> [--seeds n] [--out dir]}
 */
public final class OfficialParity {
    static final List<String> MODES = List.of("orca", "finetune");

    /** One run's figures, from either implementation. */
    record Run(String implementation, String mode, int seed, double test, double validation, int evaluatedEpoch,
               List<Double> alignmentCurve, double seconds) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: OfficialParity <experiment.yaml> <python> <end_to_end.py> <checkout> [--seeds n] [--out dir]");
            System.exit(2);
        }
        Path experiment = Path.of(args[0]);
        String python = args[1];
        Path runner = Path.of(args[2]);
        Path checkout = Path.of(args[3]);
        int seeds = 5;
        Path out = Path.of("runs", "official-parity");
        for (int i = 4; i < args.length; i++) {
            switch (args[i]) {
                case "--seeds" -> seeds = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        String task = experiment.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        Path dir = out.resolve(task);
        List<Run> runs = new ArrayList<>();
        for (int seed = 0; seed < seeds; seed++) {
            Path inputs = dir.resolve("inputs-" + seed);
            OrcaExperimentSpec spec = ExperimentFiles.read(experiment);
            spec.mode = OrcaExperimentSpec.Mode.ORCA;
            spec.seed = seed;
            // The authors' side derives its embedder's rate as their code does; Orca's side runs the task file as written.
            spec.alignment.rate = OrcaExperimentSpec.AlignmentRate.OFFICIAL;
            OfficialInputs.write(spec, inputs);
            for (String mode : MODES) {
                long began = System.nanoTime();
                ExperimentRun.Result r = Reproduction.runFresh(Reproduction.specIn(experiment, mode, seed),
                        dir.resolve("orca").resolve(mode + "-" + seed));
                Run orca = new Run("Orca", mode, seed, r.test(), r.validation(), r.evaluatedEpoch(), r.alignmentCurve(),
                        (System.nanoTime() - began) / 1e9);
                Run authors = authors(python, runner, checkout, inputs, mode, dir.resolve("authors").resolve(mode + "-" + seed));
                for (Run run : List.of(orca, authors)) {
                    System.out.printf(Locale.ROOT, "%s seed %d %s %s: test %.4f, validation %.4f (epoch %d), %.0f s%n", task, seed,
                            run.implementation(), mode, run.test(), run.validation(), run.evaluatedEpoch(), run.seconds());
                    runs.add(run);
                }
            }
        }
        AtomicFiles.writeJson(dir.resolve("side-by-side.json"), runs);
        String table = SideBySide.table(task, runs);
        System.out.println();
        System.out.print(table);
        Files.writeString(dir.resolve("side-by-side.md"), table);
    }

    /** The authors' pipeline on {@code inputs}, in a Python process of its own; its last line is the run's JSON. */
    static Run authors(String python, Path runner, Path checkout, Path inputs, String mode, Path work) throws IOException {
        Files.createDirectories(work);
        Path log = work.resolve("run.log");
        String what = "the authors' " + mode + " on " + inputs;
        List<String> lines = Reproduction.runLogged(List.of(python, runner.toString(), checkout.toString(), inputs.toString(), mode,
                work.toString()), log, what);
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        if (!last.startsWith("{")) {
            throw new IOException(what + " printed no result; the end of " + log + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
        }
        JsonNode r = new ObjectMapper().readTree(last);
        List<Double> curve = new ArrayList<>();
        r.get("alignmentCurve").forEach(v -> curve.add(v.asDouble()));
        return new Run("authors", mode, r.get("seed").asInt(), r.get("test").asDouble(), r.get("validation").asDouble(),
                r.get("evaluatedEpoch").asInt(), curve, r.get("seconds").asDouble());
    }

    private OfficialParity() {}
}
