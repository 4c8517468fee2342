package dev.orca.trainer.run;

import java.io.IOException;
import java.nio.file.Path;

/** The tiny proxy-source file of {@link ExperimentRunTest}, for tests in other packages. */
public final class ExperimentRunTestFixtures {
    private ExperimentRunTestFixtures() {}

    public static void writeSource(Path file, int n, int d, int k) throws IOException {
        ExperimentRunTest.writeSource(file, n, d, k);
    }
}
