package dev.orca.trainer.cli;

/**
 * The {@code orca} command: {@code orca run experiment.yaml} runs the same YAML that {@code kubectl apply}
 * takes; {@code orca demo} runs a CPU-sized ORCA experiment beside its plain fine-tuning baseline.
 */
public final class Orca {

    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        switch (command) {
            case "demo" -> demo();
            case "run" -> System.exit(run(args));
            default -> {
                System.out.println("usage: orca demo | orca run <experiment.yaml>");
                System.exit(command.equals("help") ? 0 : 2);
            }
        }
    }

    /** {@code orca run experiment.yaml [--out DIR]}: exit 0 on success, 1 on a failed run, 2 on bad input. */
    private static int run(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: orca run <experiment.yaml> [--out <directory>]");
            return 2;
        }
        java.nio.file.Path file = java.nio.file.Path.of(args[1]);
        java.nio.file.Path out = args.length >= 4 && args[2].equals("--out") ? java.nio.file.Path.of(args[3])
                : java.nio.file.Path.of("runs", file.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
        dev.orca.crd.OrcaExperimentSpec spec;
        try {
            spec = dev.orca.trainer.run.ExperimentFiles.read(file);
        } catch (dev.orca.trainer.run.ExperimentFiles.InvalidExperiment e) {
            System.err.println("orca: " + e.getMessage());
            return 2;
        }
        var reports = new dev.orca.trainer.progress.ProgressReports(spec.mode.aligns() ? spec.alignment.epochs : 0, spec.finetune.epochs);
        try (dev.orca.trainer.progress.ConsoleSink console = dev.orca.trainer.progress.ConsoleSink.forStdout();
             dev.orca.trainer.progress.JsonLinesSink jsonl = new dev.orca.trainer.progress.JsonLinesSink(out.resolve("progress.jsonl"));
             dev.orca.trainer.progress.ProgressSink operator = dev.orca.trainer.progress.ConfigMapProgressSink.fromEnvironment(reports)
                     .<dev.orca.trainer.progress.ProgressSink>map(s -> s).orElse(e -> { })) {
            dev.orca.trainer.progress.ProgressSink all = event -> {
                console.accept(event);
                jsonl.accept(event);
                operator.accept(event);
            };
            try {
                var result = dev.orca.trainer.run.ExperimentRun.run(spec, out, all);
                System.out.printf("%s on %s: test %s = %.4f (validation %.4f); results in %s%n", result.mode(), result.body(),
                        result.metric(), result.test(), result.validation(), out.resolve("result.json"));
                return 0;
            } catch (IllegalArgumentException e) {
                fail(all, e.getMessage());
                return 2;
            } catch (RuntimeException e) {
                fail(all, "run failed: " + e.getMessage());
                return 1;
            }
        }
    }

    /** Reports a failure on every sink, stderr, and the pod's termination message (which the operator shows in status). */
    private static void fail(dev.orca.trainer.progress.ProgressSink sinks, String message) {
        sinks.accept(dev.orca.trainer.progress.ProgressEvent.of(dev.orca.trainer.progress.ProgressEvent.Stage.FAILED, message));
        System.err.println("orca: " + message);
        java.nio.file.Path log = java.nio.file.Path.of("/dev/termination-log");
        if (java.nio.file.Files.isWritable(log)) {
            try {
                java.nio.file.Files.writeString(log, message.length() > 4000 ? message.substring(0, 4000) : message);
            } catch (java.io.IOException ignored) {
                // the message is on stderr already; the kubelet falls back to the log tail
            }
        }
    }

    /** The demo task: CPU-sized ListOps on the bundled MiniLM body, Brown corpus as the text proxy source. */
    static final String DEMO = """
            task:
              type: classification
              inputShape: [16, 64]
              numClasses: 10
              metric: zeroOneError
              data:
                generator: { name: listops, samples: 1200, resolution: 64, options: { maxDepth: "4", minLength: "16" } }
                validationFraction: 0.1
                testFraction: 0.2
            body: { checkpoint: bundled:all-minilm-l6-v2 }
            mode: %s
            source: { dataset: bundled:brown-corpus, samples: 2000 }
            alignment: { metric: otdd-exact, epochs: 15, samplesPerClass: 64, optimizer: { name: adam, lr: 1.0e-3 } }
            finetune:
              epochs: 6
              batchSize: 32
              optimizer: { name: adamw, lr: 1.0e-4, weightDecay: 0.01 }
              schedule: { warmupEpochs: 1 }
            seed: 0
            """;

    /**
     * {@code orca demo}: a real, CPU-sized ORCA experiment beside its no-alignment baseline, both from
     * scratch in {@code runs/demo-*} (earlier demo runs are replaced, not resumed).
     */
    private static void demo() {
        long start = System.nanoTime();
        System.out.println("ORCA demo: ListOps (1200 generated expressions, length 64) on all-MiniLM-L6-v2, proxy source:"
                + " Brown corpus (2000 sentences, 15 genres)");
        java.util.Map<String, dev.orca.trainer.run.ExperimentRun.Result> results = new java.util.LinkedHashMap<>();
        for (String mode : java.util.List.of("finetune", "orca")) {
            java.nio.file.Path out = java.nio.file.Path.of("runs", "demo-" + mode);
            try {
                dev.orca.trainer.run.ExperimentRun.startFresh(out);
                java.nio.file.Path yaml = java.nio.file.Files.createTempFile("orca-demo", ".yaml");
                java.nio.file.Files.writeString(yaml, String.format(DEMO, mode));
                dev.orca.crd.OrcaExperimentSpec spec = dev.orca.trainer.run.ExperimentFiles.read(yaml);
                java.nio.file.Files.delete(yaml);
                System.out.println("--- " + mode + " ---");
                try (dev.orca.trainer.progress.ConsoleSink console = dev.orca.trainer.progress.ConsoleSink.forStdout()) {
                    results.put(mode, dev.orca.trainer.run.ExperimentRun.run(spec, out, console));
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        System.out.println();
        System.out.printf("%-10s %-14s %-14s %-12s %-12s%n", "mode", "test 0-1 err", "val 0-1 err", "align (s)", "finetune (s)");
        results.forEach((mode, r) -> System.out.printf("%-10s %-14.4f %-14.4f %-12.1f %-12.1f%n", mode, r.test(), r.validation(),
                r.alignmentSeconds(), r.fineTuningSeconds()));
        var orca = results.get("orca");
        if (!orca.alignmentCurve().isEmpty()) {
            System.out.printf("OTDD during alignment: %.3f -> %.3f%n", orca.alignmentCurve().get(0),
                    orca.alignmentCurve().get(orca.alignmentCurve().size() - 1));
        }
        System.out.printf("done in %.1f s; results in runs/demo-finetune and runs/demo-orca%n", (System.nanoTime() - start) / 1e9);
    }
}
