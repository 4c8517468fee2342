package dev.orca.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * JSB Chorales as JSON ({@code {"train": [...], "valid": [...], "test": [...]}}; each chorale a list of
 * time steps, each the MIDI notes sounding) to 88-key piano rolls (MIDI 21..108).
 */
public final class JsbChorales {
    private JsbChorales() {}

    public static final int KEYS = 88;
    public static final int LOWEST_MIDI = 21;

    /** The chorales of one split, each a {@code (T, 88)} 0/1 roll. */
    public static List<DataArray> read(Path file, String split) {
        JsonNode root;
        try {
            DataLimits.fits(file.toString(), 16 * java.nio.file.Files.size(file), "parsing the file");
            root = new ObjectMapper().readTree(file.toFile());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(file + ": expected an object with train, valid and test splits, found " + root.getNodeType());
        }
        JsonNode chorales = root.get(split);
        if (chorales == null || !chorales.isArray()) {
            throw new IllegalArgumentException(file + ": no split '" + split + "' (has " + iterable(root.fieldNames()) + ")");
        }
        List<DataArray> out = new ArrayList<>();
        for (int c = 0; c < chorales.size(); c++) {
            JsonNode steps = chorales.get(c);
            // Each level is checked: a file one level short (notes where steps should be) would read as silence.
            if (!steps.isArray()) {
                throw new IllegalArgumentException(file + ": " + split + " chorale " + c + " is a " + steps.getNodeType()
                        + ", expected a list of time steps (each a list of MIDI notes)");
            }
            float[] roll = new float[Math.multiplyExact(steps.size(), KEYS)];
            for (int t = 0; t < steps.size(); t++) {
                if (!steps.get(t).isArray()) {
                    throw new IllegalArgumentException(file + ": " + split + " chorale " + c + ", step " + t + " is a "
                            + steps.get(t).getNodeType() + ", expected a list of MIDI notes");
                }
                for (JsonNode note : steps.get(t)) {
                    if (!note.isIntegralNumber()) {
                        throw new IllegalArgumentException(file + ": " + split + " chorale " + c + ", step " + t + ": "
                                + note.getNodeType() + " is not a MIDI note number");
                    }
                    int key = note.asInt() - LOWEST_MIDI;
                    if (key < 0 || key >= KEYS) {
                        throw new IllegalArgumentException(file + ": " + split + " chorale " + c + ", step " + t
                                + ": MIDI note " + note.asInt() + " is outside the piano range 21..108");
                    }
                    roll[t * KEYS + key] = 1f;
                }
            }
            out.add(new DataArray(file + " [" + split + " " + c + "]", new long[] {steps.size(), KEYS}, roll));
        }
        return out;
    }

    /** Inputs {@code (n, 88, context)} and next-frame targets {@code (n, 88)}. */
    public record NextFrame(DataArray context, DataArray next) {}

    /**
     * Every frame from the second on becomes one example: the {@code context} frames before it (zero-padded
     * on the left at a chorale's start) predict it. Causal by construction: the input never holds the frame
     * it predicts, which a bidirectional body would otherwise read.
     */
    public static NextFrame nextFrameExamples(List<DataArray> chorales, int context, String source) {
        if (context < 1) {
            throw new IllegalArgumentException("context must be >= 1, got " + context);
        }
        int n = 0;
        for (DataArray c : chorales) {
            n += (int) Math.max(0, c.shape()[0] - 1);
        }
        float[] inputs = new float[Math.multiplyExact(n, KEYS * context)];
        float[] targets = new float[n * KEYS];
        int example = 0;
        for (DataArray chorale : chorales) {
            int steps = (int) chorale.shape()[0];
            float[] roll = chorale.values();
            for (int t = 1; t < steps; t++, example++) {
                System.arraycopy(roll, t * KEYS, targets, example * KEYS, KEYS);
                for (int j = 0; j < context; j++) {
                    int frame = t - context + j;
                    if (frame < 0) {
                        continue;
                    }
                    for (int key = 0; key < KEYS; key++) {
                        inputs[(example * KEYS + key) * context + j] = roll[frame * KEYS + key];
                    }
                }
            }
        }
        return new NextFrame(new DataArray(source + " (context)", new long[] {n, KEYS, context}, inputs),
                new DataArray(source + " (next frame)", new long[] {n, KEYS}, targets));
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }
}
