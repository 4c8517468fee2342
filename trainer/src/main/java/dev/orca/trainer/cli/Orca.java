package dev.orca.trainer.cli;

import dev.orca.crd.TrainerStage;

/**
 * The {@code orca} command: {@code orca run experiment.yaml} runs the same YAML that {@code kubectl apply}
 * takes; {@code orca demo} runs a CPU-sized ORCA experiment beside its plain fine-tuning baseline.
 */
public final class Orca {

    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        switch (command) {
            case "demo" -> demo();
            case "run", "trial", "align", "compare" -> System.exit(run(args));
            case "results" -> System.exit(dev.orca.trainer.results.Results.run(java.util.Arrays.copyOfRange(args, 1, args.length),
                    System.out, System.err));
            default -> {
                System.out.println(USAGE);
                System.exit(command.equals("help") ? dev.orca.crd.TrainerExit.SUCCEEDED : dev.orca.crd.TrainerExit.INVALID_INPUT);
            }
        }
    }

    static final String USAGE = """
            usage: orca demo
                   orca run <experiment.yaml> [--out DIR] [--body CHECKPOINT] [--trial N] [--own-run-only] [--force]
                       --out: a new or empty directory, or one a run wrote (it resumes, or moves another run's files aside);
                       --force: write into a non-empty directory that holds no run
                       body.candidates: aligns each candidate, continues with the smallest final distance (unless --body);
                       search: runs the ASHA trials one after another, then the experiment with the best one (unless --trial)
                       compare: runs the comparison's modes and seeds one after another, then prints each paired gap
                   orca trial <experiment.yaml> --trial N --rung K [--body CHECKPOINT] --out DIR   one rung of one search trial
                   orca align <experiment.yaml> --candidate I --out DIR                          one body-selection candidate
                   orca compare <experiment.yaml> --comparison I --out DIR                       one run of the paired comparison
                   """ + dev.orca.trainer.results.Results.USAGE;

    /** The options of run, trial, align and compare, named as the operator writes them ({@link dev.orca.crd.TrainerCommand}). */
    @picocli.CommandLine.Command(name = "orca")
    static final class Arguments {
        @picocli.CommandLine.Parameters(index = "0", paramLabel = "EXPERIMENT")
        String spec;
        @picocli.CommandLine.Option(names = dev.orca.crd.TrainerCommand.OUT)
        String out;
        @picocli.CommandLine.Option(names = dev.orca.crd.TrainerCommand.BODY)
        String body;
        @picocli.CommandLine.Option(names = dev.orca.crd.TrainerCommand.TRIAL)
        Integer trial;
        @picocli.CommandLine.Option(names = dev.orca.crd.TrainerCommand.RUNG)
        Integer rung;
        @picocli.CommandLine.Option(names = dev.orca.crd.TrainerCommand.CANDIDATE)
        Integer candidate;
        @picocli.CommandLine.Option(names = dev.orca.crd.TrainerCommand.COMPARISON)
        Integer comparison;
        @picocli.CommandLine.Option(names = dev.orca.crd.TrainerCommand.OWN_RUN_ONLY)
        boolean ownRunOnly;
        @picocli.CommandLine.Option(names = FORCE)
        boolean force;
    }

    /** Writes into a non-empty directory that holds no run (the user's own files stay where they are). */
    static final String FORCE = "--force";

    /** A command line: the command, and whether the user forced a directory that is not a run's. */
    record Parsed(dev.orca.crd.TrainerCommand command, boolean force) {}

    /** {@code run|trial|align|compare EXPERIMENT [--option value]...} as the command it names; the message of a bad one says why. */
    static Parsed parse(String[] args) {
        dev.orca.crd.TrainerCommand.Kind kind = java.util.Arrays.stream(dev.orca.crd.TrainerCommand.Kind.values())
                .filter(k -> k.word().equals(args[0])).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown command " + args[0]));
        Arguments a = new Arguments();
        try {
            new picocli.CommandLine(a).parseArgs(java.util.Arrays.copyOfRange(args, 1, args.length));
        } catch (picocli.CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return new Parsed(new dev.orca.crd.TrainerCommand(kind, a.spec, a.out, a.body, a.trial, a.rung, a.candidate,
                a.comparison, a.ownRunOnly), a.force);
    }

    /** {@code orca run|trial|align experiment.yaml ...}: the exit code is one of {@link dev.orca.crd.TrainerExit}'s. */
    public static int run(String[] args) {
        if (args.length < 2) {
            System.err.println(USAGE);
            return dev.orca.crd.TrainerExit.INVALID_INPUT;
        }
        dev.orca.crd.TrainerCommand options;
        dev.orca.crd.OrcaExperimentSpec spec;
        java.nio.file.Path file;
        boolean force;
        try {
            Parsed parsed = parse(args);
            options = parsed.command();
            force = parsed.force();
            file = java.nio.file.Path.of(options.spec());
            spec = dev.orca.trainer.run.ExperimentFiles.read(file);
        } catch (dev.orca.trainer.run.ExperimentFiles.InvalidExperiment | IllegalArgumentException e) {
            System.err.println("orca: " + e.getMessage());
            return dev.orca.crd.TrainerExit.INVALID_INPUT;
        }
        java.nio.file.Path out = options.out() != null ? java.nio.file.Path.of(options.out())
                : java.nio.file.Path.of("runs", file.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
        var reports = new dev.orca.trainer.progress.ProgressReports(spec.mode.aligns() ? spec.alignment.epochs : 0, spec.finetune.epochs);
        var foreign = new dev.orca.trainer.run.RunDirectory(out).notARun();
        if (foreign.isPresent() && !(force && java.nio.file.Files.isDirectory(out))) {
            System.err.println("orca: --out: " + foreign.get() + (java.nio.file.Files.isDirectory(out)
                    ? "; choose another directory, or pass " + FORCE + " to write the run beside those files" : ""));
            return dev.orca.crd.TrainerExit.INVALID_INPUT;
        }
        // One writer per directory, for the whole command (a search's trials and a selection's candidates included).
        dev.orca.trainer.run.RunLock lock;
        try {
            lock = dev.orca.trainer.run.RunLock.hold(out);
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            fail(event -> { }, e.getMessage());
            return dev.orca.crd.TrainerExit.FAILED;
        }
        try (lock; dev.orca.trainer.progress.ConsoleSink console = dev.orca.trainer.progress.ConsoleSink.forStdout();
             dev.orca.trainer.progress.JsonLinesSink jsonl = new dev.orca.trainer.progress.JsonLinesSink(new dev.orca.trainer.run.RunDirectory(out).progress());
             dev.orca.trainer.progress.ProgressSink operator = dev.orca.trainer.progress.ConfigMapProgressSink.fromEnvironment(reports)
                     .<dev.orca.trainer.progress.ProgressSink>map(s -> s).orElse(e -> { });
             dev.orca.trainer.progress.ProgressSink tracker = tracker(options, spec, out)) {
            dev.orca.trainer.progress.ProgressSink all = event -> {
                console.accept(event);
                jsonl.accept(event);
                operator.accept(event);
                tracker.accept(event);
            };
            try {
                switch (options.kind()) {
                    case TRIAL -> {
                        int trial = options.trial();
                        int rung = options.rung();
                        if (spec.search == null) {
                            throw new IllegalArgumentException("spec.search: orca trial needs a search in the experiment");
                        }
                        var trialSpec = dev.orca.trainer.search.DerivedSpecs.trial(spec, trial, options.body());
                        var rungs = new dev.orca.search.SearchSpace(spec).asha().rungs();
                        if (rung < 0 || rung >= rungs.size()) {
                            throw new IllegalArgumentException("--rung must be in [0, " + rungs.size() + "), got " + rung);
                        }
                        var r = dev.orca.trainer.run.ExperimentRun.trial(trialSpec, rungs.get(rung), out, all);
                        System.out.printf(java.util.Locale.ROOT, "trial %d rung %d (%d epochs): validation %s = %.4f%n", trial, rung,
                                rungs.get(rung), r.metric(), r.at(rungs.get(rung)));
                    }
                    case ALIGN -> {
                        var r = dev.orca.trainer.run.ExperimentRun.align(
                                dev.orca.trainer.search.DerivedSpecs.candidate(spec, options.candidate()), out, all);
                        System.out.printf(java.util.Locale.ROOT, "%s: final %s %.4f%n", r.body(), r.metric(), r.last());
                    }
                    case COMPARE -> {
                        var r = dev.orca.trainer.run.ExperimentRun.run(
                                dev.orca.trainer.search.DerivedSpecs.comparison(spec, options.comparison()), out, all);
                        System.out.printf(java.util.Locale.ROOT, "comparison run %d, %s: test %s = %.4f%n", options.comparison(), r.mode(),
                                r.metric(), r.test());
                    }
                    case RUN -> {
                        String body = options.body();
                        Integer trial = options.trial();
                        var local = new dev.orca.trainer.search.LocalSearch(System.out, label -> console);
                        if (spec.body.candidates != null && body == null) {
                            var selection = local.selectBody(spec, out);
                            if (selection.chosen().isEmpty()) {
                                throw new IllegalStateException("body selection failed: no candidate finished its alignment");
                            }
                            body = spec.body.candidates.get(selection.chosen().get());
                        }
                        if (spec.search != null && trial == null) {
                            var search = local.search(spec, body, out);
                            if (search.best().isEmpty()) {
                                throw new IllegalStateException("search failed: every trial failed (" + search.failures() + ")");
                            }
                            trial = search.best().get().id();
                        }
                        var result = dev.orca.trainer.run.ExperimentRun.run(
                                dev.orca.trainer.search.DerivedSpecs.resolved(spec, body, trial), out, all);
                        System.out.printf("%s on %s: test %s = %.4f (validation %.4f, epoch %d of %d); results in %s%n",
                                result.mode(), result.body(), result.metric(), result.test(), result.validation(),
                                result.evaluatedEpoch(), spec.finetune.epochs, new dev.orca.trainer.run.RunDirectory(out).result());
                        if (spec.compare != null && !options.ownRunOnly()) {
                            new dev.orca.trainer.search.LocalComparison(System.out, label -> console).run(spec, result, out);
                        }
                    }
                }
                return dev.orca.crd.TrainerExit.SUCCEEDED;
            } catch (IllegalArgumentException | dev.orca.trainer.checkpoint.CheckpointException e) {
                // The spec, a data file or a checkpoint is wrong: the message names it, and another attempt would read the same.
                fail(all, e.getMessage());
                return dev.orca.crd.TrainerExit.INVALID_INPUT;
            } catch (RuntimeException e) {
                fail(all, "run failed: " + e.getMessage());
                return dev.orca.crd.TrainerExit.FAILED;
            }
        }
    }

    /**
     * The experiment tracker's sink when {@code spec.tracking} asks for one, for the run this command makes: a trial, a
     * candidate or a comparison run is tracked with its own configuration, mode and seed.
     */
    private static dev.orca.trainer.progress.ProgressSink tracker(dev.orca.crd.TrainerCommand options, dev.orca.crd.OrcaExperimentSpec spec,
                                                                  java.nio.file.Path out) {
        if (spec.tracking == null) {
            return event -> { };
        }
        dev.orca.crd.OrcaExperimentSpec tracked = spec;
        try {
            tracked = switch (options.kind()) {
                case TRIAL -> dev.orca.trainer.search.DerivedSpecs.trial(spec, options.trial(), options.body());
                case ALIGN -> dev.orca.trainer.search.DerivedSpecs.candidate(spec, options.candidate());
                case COMPARE -> dev.orca.trainer.search.DerivedSpecs.comparison(spec, options.comparison());
                case RUN -> spec;
            };
        } catch (RuntimeException e) {
            // the command itself reports what is wrong with its options; the tracker logs the experiment as written
        }
        java.util.Map<String, String> env = System.getenv();
        String name = java.util.Objects.requireNonNullElse(env.get(dev.orca.crd.TrainerCommand.ENV_RUN_NAME),
                out.toAbsolutePath().normalize().getFileName().toString());
        java.util.Map<String, String> tags = new java.util.TreeMap<>();
        tags.put("orca.command", options.kind().word());
        if (env.get(dev.orca.crd.ProgressReport.ENV_NAMESPACE) != null) {
            tags.put("orca.namespace", env.get(dev.orca.crd.ProgressReport.ENV_NAMESPACE));
        }
        return dev.orca.trainer.tracking.MlflowSink.of(tracked, name, tags, out, env).orElse(event -> { });
    }

    /** Reports a failure on every sink, stderr, and the pod's termination message (which the operator shows in status). */
    private static void fail(dev.orca.trainer.progress.ProgressSink sinks, String text) {
        // One line: what a file or a library says may span several, and the status, the log and the terminal want one.
        String message = text == null ? "unknown error" : text.strip().replaceAll("\\s*\\R\\s*", " ");
        sinks.accept(dev.orca.trainer.progress.ProgressEvent.of(dev.orca.crd.TrainerStage.FAILED, message));
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
            alignment: { metric: otdd-exact, epochs: 15, samplesPerClass: 64 }
            finetune:
              epochs: 6
              batchSize: 32
              optimizer: { name: adamw, lr: 1.0e-4, weightDecay: 0.01 }
              schedule: { warmupEpochs: 1 }
            seed: 0
            """;

    /** The demo's experiment in {@code mode} (orca or finetune), as YAML. */
    public static String demoExperiment(String mode) {
        return String.format(DEMO, mode);
    }

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
                java.nio.file.Files.writeString(yaml, demoExperiment(mode));
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
        System.out.printf("%-10s %-14s %-14s %-16s %-12s %-12s%n", "mode", "test 0-1 err", "val 0-1 err", "best-val. epoch",
                "align (s)", "finetune (s)");
        results.forEach((mode, r) -> System.out.printf("%-10s %-14.4f %-14.4f %-16s %-12.1f %-12.1f%n", mode, r.test(),
                r.validation(), r.evaluatedEpoch() + " of " + r.trainingLoss().size(), r.alignmentSeconds(), r.fineTuningSeconds()));
        var orca = results.get("orca");
        if (!orca.alignmentCurve().isEmpty()) {
            System.out.printf("OTDD during alignment: %.3f -> %.3f%n", orca.alignmentCurve().get(0),
                    orca.alignmentCurve().get(orca.alignmentCurve().size() - 1));
        }
        System.out.printf("done in %.1f s; results in runs/demo-finetune and runs/demo-orca%n", (System.nanoTime() - start) / 1e9);
    }
}
