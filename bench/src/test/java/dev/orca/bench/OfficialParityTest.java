package dev.orca.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfficialParityTest {

    /** The layout {@code OfficialInputs.write} leaves, with made-up bytes. */
    private static Path inputs(Path root) throws IOException {
        Path inputs = Files.createDirectories(root.resolve("inputs-0"));
        for (String split : List.of("train", "valid", "test")) {
            Files.writeString(inputs.resolve(split + "_x.npy"), split + " features");
            Files.writeString(inputs.resolve(split + "_y.npy"), split + " labels");
        }
        Files.writeString(inputs.resolve("src_X.npy"), "source features");
        Files.writeString(inputs.resolve("src_y.npy"), "source labels");
        Files.writeString(inputs.resolve("hyperparameters-orca.json"), "{\"seed\": 0, \"epochs\": 4}");
        Files.writeString(inputs.resolve("hyperparameters-finetune.json"), "{\"seed\": 0, \"epochs\": 4}");
        Files.createDirectories(inputs.resolve("body"));
        Files.writeString(inputs.resolve("body").resolve("config.json"), "{\"hidden_size\": 384}");
        return inputs;
    }

    /** Stands in for end_to_end.py: prints a line, then the run's JSON, as the authors' runner does. */
    private static Path runner(Path root, double test) throws IOException {
        return Files.writeString(root.resolve("runner.sh"), "echo training\necho '{\"implementation\": \"authors\", \"mode\": \"'$3'\", "
                + "\"seed\": 0, \"test\": " + test + ", \"validation\": 0.3, \"evaluatedEpoch\": 2, \"alignmentCurve\": [5.0, 4.0], "
                + "\"seconds\": 12.5}'\n");
    }

    @Test
    void anAuthorsRunIsReusedOnlyOnTheInputsItRead(@TempDir Path root) throws IOException {
        Path inputs = inputs(root);
        Path work = root.resolve("authors").resolve("orca-0");

        OfficialParity.Run ran = OfficialParity.authors("sh", runner(root, 0.25), root, inputs, "orca", work);
        assertEquals(0.25, ran.test());
        assertEquals(List.of(5.0, 4.0), ran.alignmentCurve());
        assertEquals(ran, OfficialParity.earlierAuthors(inputs, "orca", work));

        // The other mode's hyperparameters are not what this run read: changing them keeps the run.
        Files.writeString(inputs.resolve("hyperparameters-finetune.json"), "{\"seed\": 0, \"epochs\": 8}");
        assertEquals(ran, OfficialParity.earlierAuthors(inputs, "orca", work));
        // Another split, source or body is another run.
        Files.writeString(inputs.resolve("valid_y.npy"), "other labels");
        assertNull(OfficialParity.earlierAuthors(inputs, "orca", work));
    }

    @Test
    void aRunThatPrintedNoResultIsNotReused(@TempDir Path root) throws IOException {
        Path inputs = inputs(root);
        Path work = root.resolve("authors").resolve("finetune-0");
        OfficialParity.authors("sh", runner(root, 0.4), root, inputs, "finetune", work);
        // An interrupted rerun leaves the log without its result line.
        Files.writeString(work.resolve("run.log"), "training\n");
        assertNull(OfficialParity.earlierAuthors(inputs, "finetune", work));
        assertNull(OfficialParity.earlierAuthors(inputs, "orca", root.resolve("authors").resolve("orca-0")));
    }
}
