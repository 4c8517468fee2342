package dev.orca.bench;

import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.trainer.run.ExperimentFiles;
import dev.orca.trainer.run.ExperimentRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The same experiment N times in one JVM, as local search and body selection run their trials: prints the process's
 * RSS after each run and the ratio of the last to the second (the first run loads the engine and fills caches once).
 * {@code bench/run runs-memory [experiment.yaml] [runs]}; default the demo's ORCA experiment at a smaller budget, 10 runs.
 */
public final class RunsMemoryBenchmark {
    private RunsMemoryBenchmark() {}

    /** The demo's ORCA experiment at a smaller budget, so ten runs take minutes. */
    static OrcaExperimentSpec smallDemo(Path yaml) throws java.io.IOException {
        Files.writeString(yaml, dev.orca.trainer.cli.Orca.demoExperiment("orca"));
        OrcaExperimentSpec spec = ExperimentFiles.read(yaml);
        spec.task.data.generator.samples = 300;
        spec.source.samples = 500;
        spec.alignment.epochs = 3;
        spec.alignment.samplesPerClass = 32;
        spec.finetune.epochs = 2;
        spec.finetune.schedule.warmupEpochs = 0;
        return spec;
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("orca-runs-memory");
        boolean given = args.length > 0 && !args[0].isBlank();
        OrcaExperimentSpec spec = given ? ExperimentFiles.read(Path.of(args[0])) : smallDemo(work.resolve("experiment.yaml"));
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        List<Long> rss = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%-4s %-10s %-10s %-12s %-8s%n", "run", "RSS MiB", "heap MiB", "heap committed", "seconds");
        for (int i = 1; i <= runs; i++) {
            long start = System.nanoTime();
            Path out = work.resolve("run");
            ExperimentRun.startFresh(out);
            ExperimentRun.run(spec, out, event -> { });
            System.gc();
            Thread.sleep(1000);
            Runtime rt = Runtime.getRuntime();
            long now = MemoryStats.rssMiB();
            rss.add(now);
            System.out.printf(Locale.ROOT, "%-4d %-10d %-10d %-12d %-8.1f%n", i, now, (rt.totalMemory() - rt.freeMemory()) >> 20,
                    rt.totalMemory() >> 20, (System.nanoTime() - start) / 1e9);
        }
        if (runs >= 2) {
            System.out.printf(Locale.ROOT, "RSS after run %d / after run 2: %.2f (goal <= 1.20); peak RSS %d MiB%n", runs,
                    (double) rss.get(runs - 1) / rss.get(1), MemoryStats.peakRssMiB());
        }
        ExperimentRun.startFresh(work);
    }
}
