package dev.orca.trainer.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Numeric CSV (UTF-8, a leading byte-order mark ignored): one example per row, features then (optionally) a label
 * column. A first row in which no cell is a number is a header; one that mixes numbers and text is an error, never a
 * silently dropped example. Errors give the line and column.
 */
public final class Csv {
    private Csv() {}

    private static final String BOM = "\uFEFF";

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
            boolean first = true;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith(BOM)) {
                    line = line.substring(1); // spreadsheet exports start UTF-8 with one; it is not part of the first cell
                }
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                float[] row = new float[cells.length];
                int firstText = -1;
                int numbers = 0;
                for (int c = 0; c < cells.length; c++) {
                    try {
                        row[c] = Float.parseFloat(cells[c].trim());
                        numbers++;
                    } catch (NumberFormatException e) {
                        if (!first) {
                            throw badCell(file, lineNumber, c, cells[c], "is not a number");
                        }
                        firstText = firstText < 0 ? c : firstText;
                    }
                }
                boolean header = first && numbers == 0;
                if (first && !header && firstText >= 0) {
                    // Part numbers, part text: neither a header (whose cells are all names) nor an example.
                    throw badCell(file, lineNumber, firstText, cells[firstText], "is not a number (a header row holds no numbers)");
                }
                first = false;
                if (header) {
                    continue;
                }
                for (int c = 0; c < row.length; c++) {
                    if (!Float.isFinite(row[c])) {
                        throw badCell(file, lineNumber, c, cells[c], "is not a finite number");
                    }
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

    /** The error for one cell: file, line, column (1-based), the cell's text and what is wrong with it. */
    private static IllegalArgumentException badCell(Path file, int line, int column, String cell, String problem) {
        return new IllegalArgumentException(file + ": line " + line + ", column " + (column + 1) + ": '" + clip(cell) + "' " + problem);
    }

    private static String clip(String cell) {
        String printable = cell.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 40 ? printable : printable.substring(0, 39) + "\u2026";
    }
}
