package dev.orca.operator;

import dev.orca.operator.config.OperatorConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.WithDefault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The operator's built-in trainer images are this release's, never a moving tag: the chart's appVersion. */
class OperatorDefaultsTest {

    @Test
    void defaultTrainerImagesArePinnedToTheChartsAppVersion() throws Exception {
        Matcher m = Pattern.compile("(?m)^appVersion:\\s*\"?([^\"\\s]+)\"?").matcher(Files.readString(Path.of("../charts/orca-operator/Chart.yaml")));
        assertTrue(m.find(), "Chart.yaml has an appVersion");
        String appVersion = m.group(1);
        for (String method : new String[] {"trainerImage", "trainerCpuImage"}) {
            String image = OperatorConfig.class.getMethod(method).getAnnotation(WithDefault.class).value();
            assertEquals(appVersion, image.substring(image.lastIndexOf(':') + 1), method + " default " + image);
        }
    }
}
