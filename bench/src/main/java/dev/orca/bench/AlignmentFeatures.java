package dev.orca.bench;

import dev.orca.trainer.run.ExperimentRun;
import java.nio.file.Path;

/**
 * Writes a real alignment's first-epoch features (embedded target batches and the embedded proxy source) in the
 * shared OTDD layout: {@code bench/run otdd-real [experiment.yaml]} (default: the demo's ORCA experiment) then times the class-wise calls on them.
 */
public final class AlignmentFeatures {

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: AlignmentFeatures <experiment.yaml|demo> <dir>");
            System.exit(2);
        }
        ExperimentRun.writeAlignmentFeatures(BenchExperiments.read(args[0]), Path.of(args[1]));
        System.out.println("wrote src_X.npy, src_y.npy, tgt_X.npy to " + args[1]);
    }
}
