package dev.orca.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.orca.trainer.cli.Orca;
import dev.orca.trainer.io.AtomicFiles;
import dev.orca.trainer.run.ExperimentFiles;
import dev.orca.trainer.run.ExperimentRun;
import dev.orca.trainer.run.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Not a test: {@code bench/run reproduce <experiment.yaml>... [--modes m,m] [--seeds n] [--fractions f,f] [--out dir] [--reuse]}. Runs each
 * experiment in every mode, seed and training-data fraction (fresh runs, each in a JVM of its own, in
 * {@code <out>/<task>/<mode>-<seed>} with the experiment file it ran) and prints a Markdown
 * table: mean ± std of the test metric and the validation metric per task and mode, and the alignment /
 * fine-tuning time ratio; then each aligning mode's paired gap to the same mode without alignment ({@link PairedGaps}).
 * Model selection never reads the test split; the table reports it once per run. {@code --reuse} takes a run's
 * {@code result.json} from an earlier invocation with the same {@code --out} when its {@code experiment.yaml} is the same
 * spec: modes run apart (one invocation each, e.g. one per core) then join in one table without running again.
 */
public final class Reproduction {

    public static void main(String[] args) throws IOException {
        List<Path> experiments = new ArrayList<>();
        List<String> modes = List.of("orca", "finetune", "scratch", "orca-layernorm", "finetune-layernorm");
        int seeds = 3;
        List<Double> fractions = List.of(1.0);
        Path out = Path.of("runs", "reproduction");
        boolean reuse = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--modes" -> modes = List.of(args[++i].split(","));
                case "--seeds" -> seeds = Integer.parseInt(args[++i]);
                case "--fractions" -> fractions = java.util.Arrays.stream(args[++i].split(",")).map(Double::valueOf).toList();
                case "--out" -> out = Path.of(args[++i]);
                case "--reuse" -> reuse = true;
                default -> experiments.add(Path.of(args[i]));
            }
        }
        StringBuilder gaps = new StringBuilder();
        StringBuilder table = new StringBuilder("| task | metric | mode | test (mean ± std) | validation (mean ± std) | test per seed"
                + " | evaluated epoch per seed | test, last epoch (mean ± std) | alignment distance, first → last epoch (mean) | align s"
                + " | fine-tune s | align / fine-tune |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Path experiment : experiments) {
          for (double fraction : fractions) {
            String task = experiment.getFileName().toString().replaceFirst("\\.ya?ml$", "")
                    + (fraction == 1.0 ? "" : String.format(Locale.ROOT, " (%.0f%% of training data)", 100 * fraction));
            Map<String, List<ExperimentRun.Result>> byMode = new LinkedHashMap<>();
            for (String mode : modes) {
                for (int seed = 0; seed < seeds; seed++) {
                    var spec = specIn(experiment, mode, seed);
                    // A fraction of what the file trains on (which may itself be a part of the training split).
                    var data = (com.fasterxml.jackson.databind.node.ObjectNode) spec.get("task").get("data");
                    data.put("trainFraction", fraction * (data.has("trainFraction") ? data.get("trainFraction").asDouble() : 1.0));
                    Path dir = out.resolve(task.replaceAll("[^A-Za-z0-9.-]+", "_")).resolve(mode + "-" + seed);
                    long start = System.nanoTime();
                    ExperimentRun.Result earlier = reuse ? earlierResult(spec, dir) : null;
                    ExperimentRun.Result r = earlier != null ? earlier : runFresh(spec, dir);
                    System.out.printf(Locale.ROOT, "%s %s seed %d: test %.4f, validation %.4f (epoch %d; last epoch's test %.4f) (%s)%n",
                            task, mode, seed, r.test(), r.validation(), r.evaluatedEpoch(), r.testLastEpoch(),
                            earlier != null ? "earlier run" : String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - start) / 1e9));
                    byMode.computeIfAbsent(mode, m -> new ArrayList<>()).add(r);
                }
            }
            byMode.forEach((mode, results) -> table.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %.0f | %.0f | %s |%n", task,
                    results.get(0).metric(), mode, meanStd(results.stream().mapToDouble(ExperimentRun.Result::test).toArray()),
                    meanStd(results.stream().mapToDouble(ExperimentRun.Result::validation).toArray()),
                    String.join(", ", results.stream().map(r -> String.format(Locale.ROOT, "%.3f", r.test())).toList()),
                    String.join(", ", results.stream().map(r -> Integer.toString(r.evaluatedEpoch())).toList()),
                    meanStd(results.stream().mapToDouble(ExperimentRun.Result::testLastEpoch).toArray()), firstToLast(results),
                    results.stream().mapToDouble(ExperimentRun.Result::alignmentSeconds).average().orElse(0),
                    results.stream().mapToDouble(ExperimentRun.Result::fineTuningSeconds).average().orElse(0),
                    results.get(0).mode().startsWith("orca") ? String.format(Locale.ROOT, "%.2f",
                            results.stream().mapToDouble(ExperimentRun.Result::alignmentSeconds).sum()
                                    / results.stream().mapToDouble(ExperimentRun.Result::fineTuningSeconds).sum()) : "–")));
            PairedGaps.rows(task, byMode).forEach(gaps::append);
          }
        }
        if (!gaps.isEmpty()) {
            table.append("\n").append(PairedGaps.HEADER).append(gaps);
        }
        System.out.println();
        System.out.print(table);
        Files.createDirectories(out);
        Files.writeString(out.resolve("table.md"), table.toString());
    }

    /** The experiment file's spec (a whole resource's or a bare one) with its mode and seed set, as a tree to edit further. */
    static com.fasterxml.jackson.databind.node.ObjectNode specIn(Path experiment, String mode, int seed) throws IOException {
        var tree = new ObjectMapper(new YAMLFactory()).readTree(experiment.toFile());
        var spec = (com.fasterxml.jackson.databind.node.ObjectNode) (tree.has("spec") ? tree.get("spec") : tree);
        return spec.put("mode", mode).put("seed", seed);
    }

    /** The result an earlier invocation left in {@code dir} for this very spec, or null. */
    static ExperimentRun.Result earlierResult(com.fasterxml.jackson.databind.JsonNode spec, Path dir) throws IOException {
        Path file = dir.resolve("experiment.yaml");
        Path result = new RunDirectory(dir).result();
        if (!Files.exists(file) || !Files.exists(result)) {
            return null;
        }
        return new ObjectMapper(new YAMLFactory()).readTree(file.toFile()).equals(spec) ? AtomicFiles.readJson(result, ExperimentRun.Result.class) : null;
    }

    /** Runs {@code spec} afresh in {@code dir} (its file written there as {@code experiment.yaml}), as {@link #runAlone}. */
    static ExperimentRun.Result runFresh(com.fasterxml.jackson.databind.JsonNode spec, Path dir) throws IOException {
        ExperimentRun.startFresh(dir);
        Files.createDirectories(dir);
        Path file = dir.resolve("experiment.yaml");
        new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(), spec);
        ExperimentFiles.read(file); // a bad file fails here, naming the field, before any run starts
        return runAlone(file, dir);
    }

    /**
     * Runs one experiment as {@code orca run} in a JVM of its own, as a trainer pod would: no run inherits the native
     * memory or allocator state of the runs before it (many runs in one process grew without bound here), and each
     * run's timings are those of a fresh process. The child's output goes to {@code <dir>/run.log}.
     */
    static ExperimentRun.Result runAlone(Path experiment, Path dir) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Orca.class.getName(), "run", experiment.toString(),
                "--out", dir.toString(), "--force")); // --force: the run writes beside its own experiment.yaml and run.log
        runLogged(command, dir.resolve("run.log"), experiment.toString());
        return AtomicFiles.readJson(new RunDirectory(dir).result(), ExperimentRun.Result.class);
    }

    /**
     * Runs {@code command} with its output in {@code log}; a non-zero exit fails naming {@code what} with the log's
     * last lines. Returns the log's lines.
     */
    static List<String> runLogged(List<String> command, Path log, String what) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int exit;
        try {
            exit = process.waitFor();
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + what + " ran", e);
        }
        List<String> lines = Files.readAllLines(log);
        if (exit != 0) {
            throw new IOException(what + " failed (exit " + exit + "); the end of " + log + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
        }
        return lines;
    }

    /** The alignment curve's first and last epoch, averaged over the runs; "–" for modes that do not align. */
    static String firstToLast(List<ExperimentRun.Result> results) {
        List<List<Double>> curves = results.stream().map(ExperimentRun.Result::alignmentCurve).filter(c -> c != null && !c.isEmpty()).toList();
        if (curves.isEmpty()) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f → %.2f", curves.stream().mapToDouble(c -> c.get(0)).average().orElseThrow(),
                curves.stream().mapToDouble(c -> c.get(c.size() - 1)).average().orElseThrow());
    }

    static String meanStd(double[] values) {
        double mean = java.util.Arrays.stream(values).average().orElse(Double.NaN);
        double var = java.util.Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / Math.max(1, values.length - 1);
        return String.format(Locale.ROOT, "%.4f ± %.4f", mean, Math.sqrt(var));
    }
}
