package dev.orca.operator.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InformerWatchTest {
    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

    private static InformerWatch.Informer watching(String name) {
        return new InformerWatch.Informer(name, true, true);
    }

    private static InformerWatch.Informer blind(String name) {
        return new InformerWatch.Informer(name, true, false);
    }

    /** A watch lost for less than the grace is normal; lost for the whole grace, the informer is named with since when. */
    @Test
    void anInformerIsOverdueOnlyAfterAWholeGraceWithoutAWatch() {
        InformerWatch watch = new InformerWatch(Duration.ofSeconds(60));
        assertTrue(watch.overdue(List.of(watching("jobs@ml"), blind("pods@ml")), T0).isEmpty());
        assertTrue(watch.overdue(List.of(watching("jobs@ml"), blind("pods@ml")), T0.plusSeconds(59)).isEmpty());
        assertEquals(Map.of("pods@ml", T0), watch.overdue(List.of(watching("jobs@ml"), blind("pods@ml")), T0.plusSeconds(60)));
        assertEquals(Map.of("stopped@ml", T0.plusSeconds(60)), new InformerWatch(Duration.ZERO)
                .overdue(List.of(new InformerWatch.Informer("stopped@ml", false, true)), T0.plusSeconds(60)), "a stopped informer is blind");
    }

    /** A watch that comes back within the grace resets the clock: the next loss has a whole grace of its own. */
    @Test
    void aWatchThatComesBackResetsTheClock() {
        InformerWatch watch = new InformerWatch(Duration.ofSeconds(60));
        watch.overdue(List.of(blind("pods@ml")), T0);
        assertTrue(watch.overdue(List.of(watching("pods@ml")), T0.plusSeconds(50)).isEmpty());
        assertTrue(watch.overdue(List.of(blind("pods@ml")), T0.plusSeconds(70)).isEmpty(), "blind again since 70 s only");
        assertEquals(Map.of("pods@ml", T0.plusSeconds(70)), watch.overdue(List.of(blind("pods@ml")), T0.plusSeconds(130)));
        assertTrue(watch.overdue(List.of(), T0.plusSeconds(200)).isEmpty(), "an informer that is gone is not overdue");
    }
}
