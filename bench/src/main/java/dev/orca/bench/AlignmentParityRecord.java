package dev.orca.bench;

import dev.orca.crd.OrcaExperimentSpec;
import dev.orca.trainer.run.AlignmentRecord;
import java.nio.file.Path;
import java.util.List;

/**
 * Orca's side of {@code bench/run official-parity --stage2-only}: the experiment's alignment, under the official token
 * construction ({@code embedder.layerNorm: beforePositions}) and alignment rate ({@code alignment.rate: official}) for the
 * epochs asked, recorded with everything the authors' code needs to run the same steps ({@link AlignmentRecord}).
 */
public final class AlignmentParityRecord {

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: AlignmentParityRecord <experiment.yaml|demo> <epochs> <dir>");
            System.exit(2);
        }
        OrcaExperimentSpec spec = BenchExperiments.read(args[0]);
        spec.embedder.layerNorm = OrcaExperimentSpec.EmbedderLayerNorm.BEFORE_POSITIONS;
        spec.alignment.rate = OrcaExperimentSpec.AlignmentRate.OFFICIAL; // the authors' own derivation, which their side runs
        spec.alignment.epochs = Integer.parseInt(args[1]);
        List<Double> curve = AlignmentRecord.write(spec, Path.of(args[2]));
        System.out.println("orca distance per epoch: " + curve);
    }
}
