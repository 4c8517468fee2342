package dev.orca.trainer.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClassWiseSamplerTest {

    @Test
    void roundsOfBatchesPerClassWeightedByClassFrequency() {
        int[] labels = new int[100];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i < 70 ? 3 : (i < 95 ? 1 : 8); // 70 / 25 / 5
        }
        List<ClassWiseSampler.Batch> batches = ClassWiseSampler.sample(labels, 16, 3, new Random(1));
        assertEquals(9, batches.size(), "3 classes x 3 rounds");
        double total = batches.stream().mapToDouble(ClassWiseSampler.Batch::weight).sum();
        assertEquals(1.0, total, 1e-12, "weights sum to 1");
        for (ClassWiseSampler.Batch b : batches) {
            int expectedSize = b.label() == 8 ? 5 : 16;
            assertEquals(expectedSize, b.indices().length, "class " + b.label());
            double share = b.label() == 3 ? 0.7 : b.label() == 1 ? 0.25 : 0.05;
            assertEquals(share / 3, b.weight(), 1e-12);
            Set<Long> distinct = new HashSet<>();
            for (long i : b.indices()) {
                assertEquals(b.label(), labels[(int) i], "batch holds only its class");
                assertTrue(distinct.add(i), "no repeats within a batch");
            }
        }
        // Rounds of a large class differ; the same seed repeats them.
        assertTrue(!Arrays.equals(batches.get(6).indices(), batches.get(7).indices()));
        List<ClassWiseSampler.Batch> again = ClassWiseSampler.sample(labels, 16, 3, new Random(1));
        assertTrue(Arrays.equals(batches.get(7).indices(), again.get(7).indices()));
        assertThrows(IllegalArgumentException.class, () -> ClassWiseSampler.sample(labels, 0, 1, new Random(1)));
    }

    /** With batches as large as the classes, the class-wise total is Σ_i w_i OTDD(class i, source). */
    @Test
    void weightedTotalIsTheClassFrequencyWeightedSum() {
        var otdd = Fixtures.reference().get("otdd");
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            var xs = m.create(Fixtures.matrix(otdd.get("xs"))).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            var xt = m.create(Fixtures.matrix(otdd.get("xt"))).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            int[] ys = Fixtures.labels(otdd.get("ys"));
            int[] yt = Fixtures.labels(otdd.get("yt"));
            OtddDistance metric = new OtddDistance(OtddSource.prepare(xs, ys, OtddOptions.DEFAULT));
            List<ClassWiseSampler.Batch> batches = ClassWiseSampler.sample(yt, 1000, 2, new Random(3));
            double total = dev.orca.trainer.nd.Scalars.value(ClassWiseSampler.weightedDistance(metric, xt, batches));
            double expected = 0;
            for (int c = 0; c < 2; c++) {
                final int label = c;
                long[] rows = java.util.stream.IntStream.range(0, yt.length).filter(i -> yt[i] == label).asLongStream().toArray();
                int[] labels = new int[rows.length];
                Arrays.fill(labels, c);
                double d = dev.orca.trainer.nd.Scalars.value(metric.distance(xt.get(m.create(rows)), labels));
                expected += (double) rows.length / yt.length * d;
            }
            assertEquals(expected, total, 1e-3 * expected);
        }
    }
}
