package dev.orca.operator;

import dev.orca.crd.OrcaExperimentStatus;
import dev.orca.crd.ProgressReport;
import dev.orca.crd.TrainerStage;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a running trainer has gone quiet: a hung process (a deadlock, a stopped container, a stuck mount) keeps its
 * pod Running and its last ETA forever. The trainer reports after every epoch, so the bound comes from its own epoch
 * time — three times the seconds per epoch its latest ETA implies — and is never below a floor (the cluster
 * administrator's, {@code orca.operator.stall-floor}), which also covers reports without an ETA (preparing, the first
 * epoch of a stage). Pure: the reconciler asks it when to look again.
 */
final class StallWatch {
    static final Duration DEFAULT_FLOOR = Duration.ofMinutes(10);
    /** The Stalled condition's reasons: silent past the bound, reporting within it, no trainer to watch. */
    static final String NO_PROGRESS = "NoProgress";
    static final String PROGRESSING = "Progressing";
    static final String NOT_RUNNING = "NotRunning";
    static final int EPOCHS_OF_SILENCE = 3;

    private final Duration floor;

    StallWatch(Duration floor) {
        this.floor = floor;
    }

    /** How long the trainer may be silent after this report. */
    Duration bound(ProgressReport report) {
        long remaining = remainingEpochs(report);
        if (report.etaSeconds() == null || remaining <= 0) return floor;
        Duration expected = Duration.ofSeconds(EPOCHS_OF_SILENCE * Math.max(1, report.etaSeconds() / remaining));
        return expected.compareTo(floor) > 0 ? expected : floor;
    }

    private static long remainingEpochs(ProgressReport r) {
        TrainerStage stage = r.trainerStage();
        int align = r.alignEpochs() == null ? 0 : r.alignEpochs();
        int tune = r.tuneEpochs() == null ? 0 : r.tuneEpochs();
        int epoch = r.epoch() == null ? 0 : r.epoch();
        if (stage == TrainerStage.ALIGNING) return Math.max(0, align - epoch) + tune;
        if (stage == TrainerStage.FINE_TUNING) return Math.max(0, tune - epoch);
        return 0;
    }

    /** Since when the latest report is known: the earlier status's time while the report is the same one. */
    static String lastUpdate(ProgressReport report, OrcaExperimentStatus previous, String now) {
        OrcaExperimentStatus.Progress before = previous == null ? null : previous.progress;
        boolean same = before != null && before.lastUpdateTime != null && before.reportSequence != null
                && before.reportSequence == report.sequence();
        return same ? before.lastUpdateTime : now;
    }

    /** Whether the trainer that made this progress has been silent past its bound at {@code now}. */
    static boolean stalled(OrcaExperimentStatus.Progress progress, Instant now) {
        return overdueAt(progress).map(at -> !now.isBefore(at)).orElse(false);
    }

    /** When the trainer that made this progress becomes overdue; empty without a report time or bound. */
    static Optional<Instant> overdueAt(OrcaExperimentStatus.Progress progress) {
        if (progress == null || progress.lastUpdateTime == null || progress.stallAfterSeconds == null) return Optional.empty();
        return Optional.of(Instant.parse(progress.lastUpdateTime).plusSeconds(progress.stallAfterSeconds));
    }
}
