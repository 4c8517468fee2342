package dev.orca.trainer.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.orca.trainer.body.BodyConfig;
import dev.orca.trainer.body.TextBody;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** Stage 1: the k rule, and the shapes and layouts of embedder → body → predictor for 1D and 2D tasks. */
class ArchitectureTest {

    @Test
    void smallestKernelWhosePatchesFitTheBody() {
        assertEquals(1, PatchGeometry.of(new long[] {512}, 512).k());
        assertEquals(2, PatchGeometry.of(new long[] {513}, 512).k());
        assertEquals(2, PatchGeometry.of(new long[] {1000}, 512).k());
        PatchGeometry darcy = PatchGeometry.of(new long[] {85, 85}, 512);   // 3 -> 29^2 = 841 > 512; 4 -> 22^2 = 484
        assertEquals(4, darcy.k());
        assertArrayEquals(new long[] {22, 22}, darcy.grid());
        assertEquals(3, darcy.padding(0));
        assertEquals(2, PatchGeometry.of(new long[] {28, 28}, 512).k());    // 784 > 512; 14^2 = 196
        assertEquals(3, PatchGeometry.of(new long[] {40}, 18).k());         // 2 -> 20 > 18; 3 -> 14
        assertThrows(IllegalArgumentException.class, () -> PatchGeometry.of(new long[] {4, 4, 4}, 512));
        assertThrows(IllegalArgumentException.class, () -> PatchGeometry.of(new long[] {0}, 512));
    }

    private static final BodyConfig TINY = new BodyConfig(BodyConfig.Family.BERT, 2, 16, 4, 32, 18, 50, 2, 1e-12f, 0, 0f);

    private static NDArray throughBody(NDManager m, TaskEmbedder embedder, NDArray x) {
        ParameterStore store = new ParameterStore(m, false);
        TextBody body = new TextBody(TINY);
        body.initialize(m, 1, 4);
        NDArray tokens = embedder.forward(store, new NDList(x), false).singletonOrThrow();
        NDArray mask = m.ones(new Shape(tokens.getShape().get(0), tokens.getShape().get(1)), DataType.INT64);
        return body.encoder().forward(store, new NDList(tokens, mask), false).singletonOrThrow();
    }

    @Test
    void oneDimensionalClassificationAndDense() {
        try (NDManager m = NDManager.newBaseManager()) {
            PatchGeometry g = PatchGeometry.of(new long[] {40}, TINY.maxSequenceLength());
            TaskEmbedder embedder = new TaskEmbedder(g, TINY.hidden());
            embedder.initialize(m, DataType.FLOAT32, new Shape(3, 4, 40));
            NDArray hidden = throughBody(m, embedder, m.randomNormal(new Shape(3, 4, 40)));
            assertEquals(new Shape(3, 14, 16), hidden.getShape());

            ClassificationHead classify = new ClassificationHead(5, ClassificationHead.Pooling.MEAN);
            classify.initialize(m, DataType.FLOAT32, hidden.getShape());
            assertEquals(new Shape(3, 5), classify.forward(new ParameterStore(m, false), new NDList(hidden), false).get(0).getShape());

            DenseHead dense = new DenseHead(g, 2);
            dense.initialize(m, DataType.FLOAT32, hidden.getShape());
            assertEquals(new Shape(3, 2, 40), dense.forward(new ParameterStore(m, false), new NDList(hidden), false).get(0).getShape());
        }
    }

    @Test
    void twoDimensionalDenseFoldsBackToTheInputSize() {
        try (NDManager m = NDManager.newBaseManager()) {
            PatchGeometry g = PatchGeometry.of(new long[] {10, 9}, TINY.maxSequenceLength()); // k 3: 4 x 3 = 12 tokens
            assertEquals(3, g.k());
            TaskEmbedder embedder = new TaskEmbedder(g, TINY.hidden());
            embedder.initialize(m, DataType.FLOAT32, new Shape(2, 1, 10, 9));
            NDArray hidden = throughBody(m, embedder, m.randomNormal(new Shape(2, 1, 10, 9)));
            assertEquals(new Shape(2, 12, 16), hidden.getShape());
            DenseHead dense = new DenseHead(g, 2);
            dense.initialize(m, DataType.FLOAT32, hidden.getShape());
            NDArray out = dense.forward(new ParameterStore(m, false), new NDList(hidden), false).get(0);
            assertEquals(new Shape(2, 2, 10, 9), out.getShape());
        }
    }

    /**
     * With a zero weight and bias b, every token emits b; the fold must put b[(dy k + dx) K + c] at
     * pixel (y, x), channel c, with (dy, dx) the pixel's offset inside its patch.
     */
    @Test
    void denseFoldPlacesEachPatchValueAtItsPixel() {
        try (NDManager m = NDManager.newBaseManager()) {
            PatchGeometry g = PatchGeometry.of(new long[] {7, 8}, 9); // k 3 -> grid 3 x 3
            int outputs = 2;
            DenseHead dense = new DenseHead(g, outputs);
            dense.initialize(m, DataType.FLOAT32, new Shape(1, g.tokens(), 4));
            int values = (int) g.denseValuesPerToken(outputs);
            float[] bias = new float[values];
            for (int i = 0; i < values; i++) {
                bias[i] = i;
            }
            dense.linear().getParameters().get("weight").getArray().set(FloatBuffer.wrap(new float[values * 4]));
            dense.linear().getParameters().get("bias").getArray().set(FloatBuffer.wrap(bias));
            float[] out = dense.forward(new ParameterStore(m, false), new NDList(m.randomNormal(new Shape(1, g.tokens(), 4))), false)
                    .get(0).toFloatArray();
            for (int c = 0; c < outputs; c++) {
                for (int y = 0; y < 7; y++) {
                    for (int x = 0; x < 8; x++) {
                        float expected = ((y % 3) * 3 + (x % 3)) * outputs + c;
                        assertEquals(expected, out[(c * 7 + y) * 8 + x], 0, "c " + c + " y " + y + " x " + x);
                    }
                }
            }
        }
    }

    @Test
    void positionsStartFromTheBodysTable() {
        try (NDManager m = NDManager.newBaseManager()) {
            PatchGeometry g = PatchGeometry.of(new long[] {12}, 18);
            TaskEmbedder embedder = new TaskEmbedder(g, 16);
            embedder.initialize(m, DataType.FLOAT32, new Shape(1, 3, 12));
            TextBody body = new TextBody(TINY);
            body.initialize(m, 1, 4);
            NDArray table = body.embeddings().positionEmbeddings(new ParameterStore(m, false), m, 12, false).squeeze(0);
            embedder.initializePositions(table);
            assertArrayEquals(table.toFloatArray(), embedder.getParameters().get("positions").getArray().toFloatArray());
        }
    }
}
