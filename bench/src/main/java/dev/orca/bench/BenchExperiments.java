package dev.orca.bench;

import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.trainer.run.ExperimentFiles;
import java.nio.file.Files;
import java.nio.file.Path;

/** The experiment a benchmark's argument names: a YAML file, or {@code demo} for the demo's ORCA experiment. */
final class BenchExperiments {
    private BenchExperiments() {}

    static OrcaExperimentSpec read(String argument) throws java.io.IOException {
        if (!argument.equals("demo")) {
            return ExperimentFiles.read(Path.of(argument));
        }
        Path file = Files.createTempFile("orca-demo", ".yaml");
        try {
            Files.writeString(file, dev.orca.trainer.cli.Orca.demoExperiment("orca"));
            return ExperimentFiles.read(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
