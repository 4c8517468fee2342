package dev.orca.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.trainer.io.AtomicFiles;
import dev.orca.trainer.run.ExperimentFiles;
import dev.orca.trainer.run.ExperimentRun;
import dev.orca.trainer.run.OfficialInputs;
import dev.orca.trainer.io.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Not a test: the end-to-end side of {@code bench/run official-parity}. Per seed, Orca writes the run's inputs
 * ({@link OfficialInputs}: splits, source features, body, the authors' hyperparameters); then Orca ({@code orca run}, a
 * JVM per run) and the authors' src/main.py ({@code bench/official/end_to_end.py}, a Python process per run) each train
 * in the orca and finetune modes on them. Prints each implementation's test figures and its paired ORCA − fine-tuning
 * gap (same seed, same split, same source, same budget), and writes them to {@code <out>/<task>/side-by-side.json}.
 *
 * <p>{@code OfficialParity <experiment.yaml> <python> <end_to_end.py> <checkout> [--seeds n] [--from-seed k] [--out dir] [--reuse]}
 *
 * <p>{@code --reuse} takes a run an earlier invocation finished in the same {@code --out} as it is: Orca's when its spec is
 * the same ({@link Reproduction#earlierResult}), the authors' when the inputs it read are byte for byte those written
 * now ({@link #INPUTS_DIGEST}). An interrupted comparison then resumes where it stopped instead of starting over.
 * {@code --from-seed k} runs seeds k to n − 1 only, so that seeds can run in processes (or on machines) of their own;
 * copying their {@code orca/} and {@code authors/} run directories into one {@code --out} and running it with
 * {@code --reuse} then joins them in one table.
 */
public final class OfficialParity {
    static final List<String> MODES = List.of("orca", "finetune");
    /** The digest of the inputs an authors' run read, kept beside its log for {@code --reuse}. */
    static final String INPUTS_DIGEST = "inputs.sha256";
    static final String USAGE = "usage: OfficialParity <experiment.yaml> <python> <end_to_end.py> <checkout> [--seeds n] [--from-seed k] [--out dir] [--reuse]";

    /** One run's figures, from either implementation. */
    record Run(String implementation, String mode, int seed, double test, double validation, int evaluatedEpoch,
               List<Double> alignmentCurve, double seconds) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println(USAGE);
            System.exit(2);
        }
        Path experiment = Path.of(args[0]);
        String python = args[1];
        Path runner = Path.of(args[2]);
        Path checkout = Path.of(args[3]);
        int seeds = 5;
        int fromSeed = 0;
        Path out = Path.of("runs", "official-parity");
        boolean reuse = false;
        for (int i = 4; i < args.length; i++) {
            switch (args[i]) {
                case "--seeds" -> seeds = Integer.parseInt(args[++i]);
                case "--from-seed" -> fromSeed = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--reuse" -> reuse = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; " + USAGE);
            }
        }
        String task = experiment.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        Path dir = out.resolve(task);
        List<Run> runs = new ArrayList<>();
        if (fromSeed < 0 || fromSeed >= seeds) {
            throw new IllegalArgumentException("--from-seed " + fromSeed + " must be in [0, --seeds " + seeds + ")");
        }
        for (int seed = fromSeed; seed < seeds; seed++) {
            Path inputs = dir.resolve("inputs-" + seed);
            OrcaExperimentSpec spec = ExperimentFiles.read(experiment);
            spec.mode = OrcaExperimentSpec.Mode.ORCA;
            spec.seed = seed;
            // The authors' side derives its embedder's rate as their code does; Orca's side runs the task file as written.
            spec.alignment.rate = OrcaExperimentSpec.AlignmentRate.OFFICIAL;
            OfficialInputs.write(spec, inputs);
            for (String mode : MODES) {
                long began = System.nanoTime();
                JsonNode orcaSpec = Reproduction.specIn(experiment, mode, seed);
                Path orcaDir = dir.resolve("orca").resolve(mode + "-" + seed);
                ExperimentRun.Result earlier = reuse ? Reproduction.earlierResult(orcaSpec, orcaDir) : null;
                ExperimentRun.Result r = earlier != null ? earlier : Reproduction.runFresh(orcaSpec, orcaDir);
                // A reused run's seconds are those it logged when it ran, its stages' own time.
                Run orca = new Run("Orca", mode, seed, r.test(), r.validation(), r.evaluatedEpoch(), r.alignmentCurve(),
                        earlier != null ? r.alignmentSeconds() + r.fineTuningSeconds() : (System.nanoTime() - began) / 1e9);
                Path authorsDir = dir.resolve("authors").resolve(mode + "-" + seed);
                Run earlierAuthors = reuse ? earlierAuthors(inputs, mode, authorsDir) : null;
                Run authors = earlierAuthors != null ? earlierAuthors : authors(python, runner, checkout, inputs, mode, authorsDir);
                for (Run run : List.of(orca, authors)) {
                    boolean reused = run == authors ? earlierAuthors != null : earlier != null;
                    System.out.printf(Locale.ROOT, "%s seed %d %s %s: test %.4f, validation %.4f (epoch %d), %.0f s%s%n", task, seed,
                            run.implementation(), mode, run.test(), run.validation(), run.evaluatedEpoch(), run.seconds(),
                            reused ? " (earlier run)" : "");
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
        Files.deleteIfExists(work.resolve(INPUTS_DIGEST));
        Path log = work.resolve("run.log");
        String what = "the authors' " + mode + " on " + inputs;
        List<String> lines = Reproduction.runLogged(List.of(python, runner.toString(), checkout.toString(), inputs.toString(), mode,
                work.toString()), log, what);
        String last = resultLine(lines);
        if (last == null) {
            throw new IOException(what + " printed no result; the end of " + log + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
        }
        Files.writeString(work.resolve(INPUTS_DIGEST), inputsDigest(inputs, mode));
        return parse(last);
    }

    /** The authors' run an earlier invocation finished in {@code work} on these very inputs, or null. */
    static Run earlierAuthors(Path inputs, String mode, Path work) throws IOException {
        Path digest = work.resolve(INPUTS_DIGEST);
        Path log = work.resolve("run.log");
        if (!Files.exists(digest) || !Files.exists(log) || !Files.readString(digest).equals(inputsDigest(inputs, mode))) {
            return null;
        }
        String last = resultLine(Files.readAllLines(log));
        return last == null ? null : parse(last);
    }

    /** The run's JSON: the last line the authors' runner printed, or null when it printed none. */
    private static String resultLine(List<String> lines) {
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        return last.startsWith("{") ? last : null;
    }

    /**
     * SHA-256 over what the authors' run of {@code mode} reads from {@code inputs} (the splits, the source features, the
     * body, its hyperparameters), file names included, in a fixed order.
     */
    static String inputsDigest(Path inputs, String mode) throws IOException {
        MessageDigest digest = FileTrees.sha256();
        List<Path> files = new ArrayList<>();
        for (String split : List.of("train", "valid", "test")) {
            files.add(inputs.resolve(split + "_x.npy"));
            files.add(inputs.resolve(split + "_y.npy"));
        }
        files.addAll(List.of(inputs.resolve("src_X.npy"), inputs.resolve("src_y.npy"), inputs.resolve("hyperparameters-" + mode + ".json")));
        try (Stream<Path> body = Files.walk(inputs.resolve("body"))) {
            files.addAll(body.filter(Files::isRegularFile).sorted().toList());
        }
        for (Path f : files) {
            digest.update(inputs.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            FileTrees.digest(digest, f);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static Run parse(String resultLine) throws IOException {
        JsonNode r = new ObjectMapper().readTree(resultLine);
        List<Double> curve = new ArrayList<>();
        r.get("alignmentCurve").forEach(v -> curve.add(v.asDouble()));
        return new Run("authors", r.get("mode").asText(), r.get("seed").asInt(), r.get("test").asDouble(), r.get("validation").asDouble(),
                r.get("evaluatedEpoch").asInt(), curve, r.get("seconds").asDouble());
    }

    private OfficialParity() {}
}
