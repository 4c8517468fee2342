package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;

/** OTDD against a prepared source, as an {@link DatasetDistance}. */
public final class OtddDistance implements DatasetDistance {

    private final OtddSource source;

    public OtddDistance(OtddSource source) {
        this.source = source;
    }

    @Override
    public NDArray distance(NDArray features, int[] labels) {
        return Otdd.distance(source, features, labels);
    }

    @Override
    public boolean usesLabels() {
        return true;
    }

    public OtddSource source() {
        return source;
    }
}
