package dev.orca.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cluster specs name data as pvc://<claim>/<path>; the trainer finds it under the mounted claim. */
class VolumePathTest {
    @AfterEach
    void clear() {
        System.clearProperty("orca.dataDir");
    }

    @Test
    void claimPathsResolveUnderTheMountAndLocalPathsStay() {
        assertEquals(Path.of("/data/datasets/jsb.json"), dev.orca.trainer.data.Volumes.path("pvc://orca-data/datasets/jsb.json"));
        assertEquals(Path.of("/tmp/x.npz"), dev.orca.trainer.data.Volumes.path("/tmp/x.npz"));
        System.setProperty("orca.dataDir", "/home/me/orca-data");
        assertEquals(Path.of("/home/me/orca-data/datasets/jsb.json"), dev.orca.trainer.data.Volumes.path("pvc://orca-data/datasets/jsb.json"),
                "a local run of a cluster spec reads the claim's copy");
    }
}
