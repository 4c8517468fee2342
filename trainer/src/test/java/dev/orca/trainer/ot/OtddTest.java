package dev.orca.trainer.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orca.trainer.nd.Scalars;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OtddTest {

    private static final JsonNode OTDD = Fixtures.reference().get("otdd");

    private static NDArray features(NDManager m, String field, DataType type) {
        return m.create(Fixtures.matrix(OTDD.get(field))).toType(type, false);
    }

    private static OtddOptions options(OtddOptions.LabelCost cost) {
        return new OtddOptions(SinkhornOptions.converged(OTDD.get("eps").asDouble(), 1e-6, 20000), 1, 1, cost, true);
    }

    @ParameterizedTest
    @EnumSource(OtddOptions.LabelCost.class)
    void matchesTheDefinitionComputedWithPot(OtddOptions.LabelCost cost) {
        JsonNode reference = cost == OtddOptions.LabelCost.EXACT ? OTDD : Fixtures.reference().get("otdd_gaussian");
        try (NDManager m = NDManager.newBaseManager()) {
            OtddSource source = OtddSource.prepare(features(m, "xs", DataType.FLOAT32), Fixtures.labels(OTDD.get("ys")), options(cost));
            NDArray target = features(m, "xt", DataType.FLOAT32);
            int[] labels = Fixtures.labels(OTDD.get("yt"));
            double expected = reference.get("value").asDouble();
            double value = Scalars.value(Otdd.distance(source, target, labels));
            assertEquals(expected, value, 0.01 * expected, cost + " OTDD");

            LabelledCloud cloud = new LabelledCloud(labels, "t");
            LabelDistance.Prepared t = source.labelDistance.prepare(ClassGroups.of(cloud, target));
            float[] w = source.labelDistance.between(t, source.classes).toFloatArray();
            double[][] expectedW = Fixtures.matrix(reference.get("label_ts"));
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(expectedW[i][j], w[i * 3 + j], 0.01 * expectedW[i][j], cost + " W(" + i + "," + j + ")");
                }
            }
        }
    }

    @Test
    void zeroOnItselfSymmetricAndGrowingWithAShift() {
        try (NDManager m = NDManager.newBaseManager()) {
            OtddOptions o = options(OtddOptions.LabelCost.EXACT);
            NDArray xs = features(m, "xs", DataType.FLOAT32);
            int[] ys = Fixtures.labels(OTDD.get("ys"));
            NDArray xt = features(m, "xt", DataType.FLOAT32);
            int[] yt = Fixtures.labels(OTDD.get("yt"));
            OtddSource s = OtddSource.prepare(xs, ys, o);
            OtddSource t = OtddSource.prepare(xt, yt, o);
            double st = Scalars.value(Otdd.distance(s, xt, yt));
            double ts = Scalars.value(Otdd.distance(t, xs, ys));
            double ss = Scalars.value(Otdd.distance(s, xs, ys));
            assertEquals(0, ss, 1e-3 * st, "OTDD(D, D) = 0 when debiased");
            assertEquals(st, ts, 1e-3 * st, "symmetric");

            double previous = -1;
            float[] shift = new float[4];
            for (float amount : new float[] {0f, 0.5f, 1f, 2f, 4f}) {
                shift[0] = amount;
                // shift only target class 1
                NDArray mask = m.create(java.util.Arrays.stream(yt).mapToDouble(v -> v == 1 ? 1 : 0).toArray())
                        .toType(DataType.FLOAT32, false).reshape(-1, 1);
                NDArray shifted = xt.add(mask.mul(m.create(shift)));
                double value = Scalars.value(Otdd.distance(s, shifted, yt));
                assertTrue(value > previous, "grows with the shift: " + value + " after " + previous);
                previous = value;
            }
        }
    }

    /** Gradient with respect to the target features, label term included, equals finite differences. */
    @ParameterizedTest
    @EnumSource(OtddOptions.LabelCost.class)
    void gradientMatchesFiniteDifferences(OtddOptions.LabelCost cost) {
        try (NDManager m = NDManager.newBaseManager()) {
            OtddOptions o = new OtddOptions(SinkhornOptions.converged(0.1, 1e-10, 100000), 1, 1, cost, true);
            OtddSource s = OtddSource.prepare(features(m, "xs", DataType.FLOAT64), Fixtures.labels(OTDD.get("ys")), o);
            NDArray xt = features(m, "xt", DataType.FLOAT64);
            int[] yt = Fixtures.labels(OTDD.get("yt"));
            xt.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(Otdd.distance(s, xt, yt));
            }
            double[] grad = xt.getGradient().toDoubleArray();
            Engine.getInstance().setRandomSeed(2);
            NDArray direction = m.randomNormal(xt.getShape()).toType(DataType.FLOAT64, false);
            double[] d = direction.toDoubleArray();
            double analytic = 0;
            for (int i = 0; i < d.length; i++) {
                analytic += grad[i] * d[i];
            }
            double h = 1e-5;
            NDArray base = xt.stopGradient();
            double plus = Scalars.value(Otdd.distance(s, base.add(direction.mul(h)), yt));
            double minus = Scalars.value(Otdd.distance(s, base.sub(direction.mul(h)), yt));
            double numeric = (plus - minus) / (2 * h);
            assertEquals(numeric, analytic, 1e-3 * Math.abs(numeric), cost + ": analytic " + analytic + " numeric " + numeric);

            // Holding W(y, y') constant (microsoft/otdd's choice) gives a different, partial gradient.
            OtddSource fixedLabels = OtddSource.prepare(features(m, "xs", DataType.FLOAT64), Fixtures.labels(OTDD.get("ys")),
                    o.withLabelGradient(false));
            NDArray again = base.duplicate();
            again.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(Otdd.distance(fixedLabels, again, yt));
            }
            double partial = 0;
            double[] g2 = again.getGradient().toDoubleArray();
            for (int i = 0; i < d.length; i++) {
                partial += g2[i] * d[i];
            }
            assertNotEquals(analytic, partial, 1e-3 * Math.abs(analytic));
        }
    }

    @Test
    void sourceTermsComeBackFromTheCache(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            OtddOptions o = options(OtddOptions.LabelCost.EXACT);
            OtddSourceCache cache = new OtddSourceCache(dir);
            NDArray xs = features(m, "xs", DataType.FLOAT32);
            int[] ys = Fixtures.labels(OTDD.get("ys"));
            OtddSource first = OtddSource.prepare(xs, ys, o, cache);
            try (var files = Files.list(dir)) {
                assertEquals(1, files.count());
            }
            OtddSource second = OtddSource.prepare(xs, ys, o, cache);
            assertEquals(first.selfValue(), second.selfValue(), 0);
            assertTrue(first.labelDistances().allClose(second.labelDistances(), 1e-6, 1e-6, false));
            NDArray xt = features(m, "xt", DataType.FLOAT32);
            int[] yt = Fixtures.labels(OTDD.get("yt"));
            assertEquals(Scalars.value(Otdd.distance(first, xt, yt)), Scalars.value(Otdd.distance(second, xt, yt)), 1e-5);
            // Other options are another key.
            OtddSource.prepare(xs, ys, o.withLabelGradient(false), cache);
            try (var files = Files.list(dir)) {
                assertEquals(2, files.count());
            }
            // A corrupt entry is recomputed and rewritten, not trusted.
            Path entry = cache.fileFor(xs, ys, o);
            Files.writeString(entry, "{\"labelDistances\": [[0, 1], [1");
            OtddSource recomputed = OtddSource.prepare(xs, ys, o, cache);
            assertEquals(first.selfValue(), recomputed.selfValue(), 1e-4 * Math.abs(first.selfValue()));
            assertTrue(Files.readString(entry).contains("selfValue"));
        }
    }

    @Test
    void badInputIsRejectedOrHandledAsDocumented() {
        try (NDManager m = NDManager.newBaseManager()) {
            OtddOptions o = options(OtddOptions.LabelCost.EXACT);
            NDArray xs = features(m, "xs", DataType.FLOAT32);
            int[] ys = Fixtures.labels(OTDD.get("ys"));
            OtddSource s = OtddSource.prepare(xs, ys, o);
            NDArray xt = features(m, "xt", DataType.FLOAT32);
            int[] yt = Fixtures.labels(OTDD.get("yt"));

            // An absent label is not a class: labels {0, 2} give what {0, 1} give.
            int[] gapped = java.util.Arrays.stream(yt).map(v -> v * 2).toArray();
            assertEquals(Scalars.value(Otdd.distance(s, xt, yt)), Scalars.value(Otdd.distance(s, xt, gapped)), 1e-5);

            // A class with a single sample is a point mass: finite, and larger than with its class intact.
            int[] single = yt.clone();
            single[0] = 7;
            double value = Scalars.value(Otdd.distance(s, xt, single));
            assertTrue(Double.isFinite(value) && value > 0, "single-sample class: " + value);

            NDArray withNaN = xt.duplicate();
            withNaN.set(new ai.djl.ndarray.index.NDIndex("3, 1"), Float.NaN);
            IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> Otdd.distance(s, withNaN, yt));
            assertTrue(nan.getMessage().contains("row 3"), nan.getMessage());

            NDArray wide = m.randomNormal(new Shape(40, 5));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Otdd.distance(s, wide, yt))
                    .getMessage().contains("dimension"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Otdd.distance(s, xt, new int[3]))
                    .getMessage().contains("labels"));
            assertThrows(IllegalArgumentException.class, () -> Otdd.distance(s, xt, java.util.Arrays.stream(yt).map(v -> -1).toArray()));
            assertThrows(IllegalArgumentException.class, () -> Otdd.distance(s, m.zeros(new Shape(0, 4)), new int[0]));
        }
    }
}
