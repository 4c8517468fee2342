package dev.orca.trainer.data;

import java.nio.file.Path;

/** Where a spec's data locations are on this machine. */
public final class Volumes {
    private Volumes() {}

    /** Debian's dataset-fashion-mnist package. */
    public static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist/";

    /**
     * {@code pvc://<claim>/<path>} is the claim mounted at {@code /data} in the trainer pod (or, for local runs of
     * cluster specs, at {@code orca.dataDir} / {@code $ORCA_DATA_DIR}); anything else is a local path.
     */
    public static Path path(String location) {
        if (!location.startsWith("pvc://")) {
            return Path.of(location);
        }
        String root = System.getProperty("orca.dataDir", System.getenv().getOrDefault("ORCA_DATA_DIR", "/data"));
        return Path.of(root, location.substring("pvc://".length()).replaceFirst("^[^/]+/", ""));
    }
}
