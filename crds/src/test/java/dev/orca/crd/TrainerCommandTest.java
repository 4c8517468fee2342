package dev.orca.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The operator's side of the command line; the trainer's CLI test parses these same lists back (OrcaCliTest). */
class TrainerCommandTest {

    @Test
    void eachKindWritesItsOptions() {
        assertEquals(List.of("run", "/etc/orca/experiment.yaml", "--out", "/data/x"),
                TrainerCommand.run("/etc/orca/experiment.yaml", "/data/x", null, null, false).args());
        assertEquals(List.of("run", "s", "--out", "o", "--body", "bundled:e5-small-v2", "--trial", "2"),
                TrainerCommand.run("s", "o", "bundled:e5-small-v2", 2, false).args());
        assertEquals(List.of("trial", "s", "--trial", "0", "--rung", "1", "--out", "o/trials/t0"),
                TrainerCommand.trial("s", "o/" + TrainerCommand.trialDirectory(0), 0, 1, null).args());
        assertEquals(List.of("align", "s", "--candidate", "1", "--out", "o/bodies/1"),
                TrainerCommand.align("s", "o/" + TrainerCommand.candidateDirectory(1), 1).args());
        assertEquals(List.of("run", "s", "--out", "o", "--own-run-only"), TrainerCommand.run("s", "o", null, null, true).args());
        assertEquals(List.of("compare", "s", "--comparison", "3", "--out", "o/compare/3"),
                TrainerCommand.compare("s", "o/" + TrainerCommand.comparisonDirectory(3), 3).args());
    }

    @Test
    void optionsAKindDoesNotTakeOrNeedsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new TrainerCommand(TrainerCommand.Kind.TRIAL, "s", "o", null, 0, null, null, null, false)).getMessage().contains("--rung is required"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new TrainerCommand(TrainerCommand.Kind.RUN, "s", "o", null, null, 1, null, null, false)).getMessage().contains("run takes no --rung"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new TrainerCommand(TrainerCommand.Kind.ALIGN, "s", null, null, null, null, 0, null, false)).getMessage().contains("--out is required"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new TrainerCommand(TrainerCommand.Kind.COMPARE, "s", "o", null, null, null, null, null, false)).getMessage()
                .contains("--comparison is required"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new TrainerCommand(TrainerCommand.Kind.RUN, "s", "o", null, null, null, null, 2, false)).getMessage()
                .contains("run takes no --comparison"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new TrainerCommand(TrainerCommand.Kind.COMPARE, "s", "o", null, null, null, null, 2, true)).getMessage()
                .contains("compare takes no --own-run-only"));
    }

    @Test
    void stagesRoundTripTheirWireNamesAndNothingElseIsOne() {
        for (TrainerStage stage : TrainerStage.values()) {
            assertEquals(stage, TrainerStage.of(stage.wireName()).orElseThrow());
        }
        assertEquals("fine-tuning", TrainerStage.FINE_TUNING.wireName());
        assertTrue(TrainerStage.of("FINE_TUNING").isEmpty());
        assertTrue(TrainerStage.of(null).isEmpty());
    }
}
