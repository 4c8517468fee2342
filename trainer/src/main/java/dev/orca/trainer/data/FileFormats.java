package dev.orca.trainer.data;

import dev.orca.crd.OrcaExperimentSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The data file formats, by the name {@code spec.task.data.files.format} gives (the CRD's pattern lists the same). */
public final class FileFormats {
    private FileFormats() {}

    /** One format: the examples that {@code spec.task.data.files} names. */
    @FunctionalInterface
    public interface FileFormat {
        RawData read(OrcaExperimentSpec.Files files, int contextFrames);
    }

    /** A format whose train and test files are read alike: one file (and its labels file) to its examples. */
    @FunctionalInterface
    interface PairReader {
        RawData read(Path data, Path labels, String field);
    }

    private static final Map<String, FileFormat> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("npz", trainAndTest((data, labels, field) -> {
            Map<String, DataArray> arrays = Npy.readArchive(data);
            DataArray x = arrays.get("x");
            DataArray y = arrays.get("y");
            if (x == null || y == null) {
                throw new IllegalArgumentException(field + ": " + data + " must hold arrays x and y, has " + arrays.keySet());
            }
            return new RawData(x, y, arrays.get("ignore"), arrays.get("clip"), null, null);
        }, false));
        BY_NAME.put("npy", trainAndTest((data, labels, field) -> RawData.of(Npy.read(data), Npy.read(labels)), true));
        BY_NAME.put("idx", trainAndTest((data, labels, field) -> RawData.of(Idx.read(data), Idx.read(labels)), true));
        BY_NAME.put("csv", trainAndTest((data, labels, field) -> {
            Csv.Table t = Csv.read(data, -1);
            return RawData.of(t.features(), t.labels());
        }, false));
        BY_NAME.put("cifar", trainAndTest((data, labels, field) -> {
            Cifar.Batch b = Cifar.read(data, false);
            return RawData.of(b.images(), b.labels());
        }, false));
        BY_NAME.put("json", FileFormats::jsbChorales);
    }

    public static RawData read(OrcaExperimentSpec.Files files, int contextFrames) {
        FileFormat format = BY_NAME.get(files.format);
        if (format == null) {
            throw new IllegalArgumentException("spec.task.data.files.format: " + files.format + " is not a known format ("
                    + String.join(", ", BY_NAME.keySet()) + ")");
        }
        return format.read(files, contextFrames);
    }

    private static FileFormat trainAndTest(PairReader reader, boolean labelsFile) {
        return (files, contextFrames) -> {
            RawData train = reader.read(Volumes.path(files.train), labels(files.trainLabels, files.format, labelsFile,
                    "spec.task.data.files.trainLabels"), "spec.task.data.files.train");
            if (files.test == null) {
                return train;
            }
            return train.withTest(reader.read(Volumes.path(files.test), labels(files.testLabels, files.format, labelsFile,
                    "spec.task.data.files.testLabels"), "spec.task.data.files.test"));
        };
    }

    private static Path labels(String location, String format, boolean needed, String field) {
        if (!needed) {
            return null;
        }
        if (location == null) {
            throw new IllegalArgumentException(field + ": format " + format + " keeps targets in a file of their own; name it");
        }
        return Volumes.path(location);
    }

    /** JSB Chorales: the file carries the paper's train / valid / test split, used as it is. */
    private static RawData jsbChorales(OrcaExperimentSpec.Files files, int contextFrames) {
        Path file = Volumes.path(files.train);
        JsbChorales.NextFrame[] parts = new JsbChorales.NextFrame[3];
        String[] names = {"train", "valid", "test"};
        for (int i = 0; i < 3; i++) {
            parts[i] = JsbChorales.nextFrameExamples(JsbChorales.read(file, names[i]), contextFrames, file + " [" + names[i] + "]");
        }
        return new RawData(RawData.concat(RawData.concat(parts[0].context(), parts[1].context()), parts[2].context()),
                RawData.concat(RawData.concat(parts[0].next(), parts[1].next()), parts[2].next()), null, null,
                Splits.fixed((int) parts[0].next().examples(), (int) parts[1].next().examples(), (int) parts[2].next().examples()),
                null);
    }
}
