package dev.orca.trainer.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Numeric CSV: one example per row, features then (optionally) a label column. A first row that does not
 * parse as numbers is taken as a header. Errors give the line and column.
 */
public final class Csv {
    private Csv() {}

    /** Features {@code (n, columns)} and, if {@code labelColumn >= 0}, labels {@code (n)}. */
    public record Table(DataArray features, DataArray labels) {}

    /** @param labelColumn column index of the label, -1 for the last column, or null for none */
    public static Table read(Path file, Integer labelColumn) {
        List<float[]> rows = new ArrayList<>();
        int width = -1;
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            // Parsed rows take about as much memory as the text (a float per short cell, plus the row arrays).
            DataLimits.fits(file.toString(), 4 * Files.size(file), "reading the file");
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                float[] row = new float[cells.length];
                boolean numeric = true;
                for (int c = 0; c < cells.length; c++) {
                    try {
                        row[c] = Float.parseFloat(cells[c].trim());
                        if (!Float.isFinite(row[c])) {
                            throw new IllegalArgumentException(file + ": line " + lineNumber + ", column " + (c + 1) + ": '"
                                    + clip(cells[c]) + "' is not a finite number");
                        }
                    } catch (NumberFormatException e) {
                        if (rows.isEmpty() && lineNumber == 1) {
                            numeric = false;
                            break;
                        }
                        throw new IllegalArgumentException(file + ": line " + lineNumber + ", column " + (c + 1)
                                + ": '" + clip(cells[c]) + "' is not a number");
                    }
                }
                if (!numeric) {
                    continue; // header
                }
                if (width >= 0 && row.length != width) {
                    throw new IllegalArgumentException(file + ": line " + lineNumber + " has " + row.length
                            + " columns, earlier lines have " + width);
                }
                width = row.length;
                rows.add(row);
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (IOException e) {
            // A file that is not text in the platform's encoding (MalformedInputException) lands here too.
            throw new IllegalArgumentException(file + ": cannot read as text: " + e, e);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(file + ": no data rows");
        }
        int label = labelColumn == null ? -2 : (labelColumn < 0 ? width - 1 : labelColumn);
        if (label >= width) {
            throw new IllegalArgumentException(file + ": label column " + label + " does not exist (" + width + " columns)");
        }
        int featureCount = label >= 0 ? width - 1 : width;
        float[] features = new float[rows.size() * featureCount];
        float[] labels = new float[label >= 0 ? rows.size() : 0];
        for (int r = 0; r < rows.size(); r++) {
            float[] row = rows.get(r);
            for (int c = 0, f = 0; c < width; c++) {
                if (c == label) {
                    labels[r] = row[c];
                } else {
                    features[r * featureCount + f++] = row[c];
                }
            }
        }
        return new Table(new DataArray(file.toString(), new long[] {rows.size(), featureCount}, features),
                label >= 0 ? new DataArray(file + " [label column]", new long[] {rows.size()}, labels) : null);
    }

    private static String clip(String cell) {
        String printable = cell.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 39) + "\u2026";
    }
}
