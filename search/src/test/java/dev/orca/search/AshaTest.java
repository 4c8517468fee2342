package dev.orca.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orca.search.Asha.Job;
import dev.orca.search.Asha.Trial;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Rung decisions worked out by hand from Algorithm 2 of Li et al. (2020): whenever a worker asks, look at the rungs
 * from the top down; promote the best not-yet-promoted configuration among the top ⌊n/η⌋ of a rung, else start a
 * new configuration.
 */
class AshaTest {

    @Test
    void rungsGrowByEtaAndTheTopRungIsTheMaximum() {
        assertEquals(List.of(1, 3, 9), Asha.rungs(1, 9, 3));
        assertEquals(List.of(1, 3, 10), Asha.rungs(1, 10, 3)); // 9 < 10 < 27: the top rung trains for R, not 9
        assertEquals(List.of(1, 2, 4, 8), Asha.rungs(1, 8, 2));
        assertEquals(List.of(2), Asha.rungs(2, 2, 3));
        assertEquals(List.of(2, 5), Asha.rungs(2, 5, 2)); // 2, then 4 would leave 5 as a rung of its own; R replaces it
        assertEquals(List.of(1, 6), Asha.rungs(1, 6, 3)); // 3 has no room for a full factor of 3 above it
    }

    /**
     * One worker, η = 3, rungs 1/3/9 epochs, budget 9. Results (validation error) as they arrive, and what the
     * algorithm must do next, by hand:
     * <pre>
     *  t0 r0 = .50   rung 0 {t0}: ⌊1/3⌋ = 0 promotable            → start t1
     *  t1 r0 = .30   rung 0 {t0,t1}: ⌊2/3⌋ = 0                     → start t2
     *  t2 r0 = .40   rung 0 top 1 = {t1 .30}                        → promote t1 to rung 1
     *  t1 r1 = .25   rung 1 ⌊1/3⌋ = 0; rung 0 top 1 = t1, promoted   → start t3
     *  t3 r0 = .20   rung 0 top 1 = {t3 .20}                        → promote t3
     *  t3 r1 = .35   rung 1 ⌊2/3⌋ = 0; rung 0 top 1 = t3, promoted   → start t4
     *  t4 r0 = .60   rung 0 (n = 5) top 1 = t3, promoted            → start t5
     *  t5 r0 = .10   rung 0 (n = 6) top 2 = {t5 .10, t3 .20}: t5    → promote t5 to rung 1
     *  t5 r1 = .22   rung 1 (n = 3) top 1 = {t5 .22}                → promote t5 to rung 2
     *  t5 r2 = .21   best: t5 (highest rung reached)
     * </pre>
     */
    @Test
    void oneWorkerFollowsTheHandWorkedSequence() {
        Asha asha = new Asha(1, 9, 3, 9);
        List<Trial> table = new ArrayList<>();
        assertEquals(new Job(0, 0, false), asha.next(table).orElseThrow());
        table.add(Trial.waiting(0, List.of(.50)));
        assertEquals(new Job(1, 0, false), asha.next(table).orElseThrow());
        table.add(Trial.waiting(1, List.of(.30)));
        assertEquals(new Job(2, 0, false), asha.next(table).orElseThrow());
        table.add(Trial.waiting(2, List.of(.40)));
        assertEquals(new Job(1, 1, true), asha.next(table).orElseThrow());
        table.set(1, Trial.waiting(1, List.of(.30, .25)));
        assertEquals(new Job(3, 0, false), asha.next(table).orElseThrow());
        table.add(Trial.waiting(3, List.of(.20)));
        assertEquals(new Job(3, 1, true), asha.next(table).orElseThrow());
        table.set(3, Trial.waiting(3, List.of(.20, .35)));
        assertEquals(new Job(4, 0, false), asha.next(table).orElseThrow());
        table.add(Trial.waiting(4, List.of(.60)));
        assertEquals(new Job(5, 0, false), asha.next(table).orElseThrow());
        table.add(Trial.waiting(5, List.of(.10)));
        assertEquals(new Job(5, 1, true), asha.next(table).orElseThrow());
        table.set(5, Trial.waiting(5, List.of(.10, .22)));
        assertEquals(new Job(5, 2, true), asha.next(table).orElseThrow());
        table.set(5, Trial.waiting(5, List.of(.10, .22, .21)));
        assertEquals(5, asha.best(table).orElseThrow().id());
        // A trial at the top rung is complete: it is never promoted again, and the worker starts t6.
        assertEquals(new Job(6, 0, false), asha.next(table).orElseThrow());
    }

    /**
     * Three workers, η = 2, rungs 1/2/4, budget 5. Nothing waits for a full rung:
     * <pre>
     *  start: three free workers                                   → t0, t1, t2 at rung 0
     *  t1 r0 = .4 (t0, t2 still run)  rung 0 ⌊1/2⌋ = 0             → start t3
     *  t3 fails                        not ranked, frees a worker   → start t4
     *  t0 r0 = .6                      rung 0 top 1 = {t1 .4}       → promote t1
     *  t2 r0 = .5, t4 r0 = .7          rung 0 (n = 4) top 2 = {t1, t2}: t1 promoted → promote t2
     *  budget spent (5 started); t1 r1 = .3, t2 r1 = .35: rung 1 top 1 = {t1} → promote t1 to rung 2
     * </pre>
     */
    @Test
    void workersNeverWaitForAFullRung() {
        Asha asha = new Asha(1, 4, 2, 5);
        Asha.Schedule start = asha.schedule(List.of(), 3);
        assertEquals(List.of(new Job(0, 0, false), new Job(1, 0, false), new Job(2, 0, false)), start.jobs());

        List<Trial> table = new ArrayList<>(start.table());
        table.set(1, Trial.waiting(1, List.of(.4)));
        Asha.Schedule s = asha.schedule(table, 3);
        assertEquals(List.of(new Job(3, 0, false)), s.jobs());

        table = new ArrayList<>(s.table());
        table.set(3, new Trial(3, 0, Asha.State.FAILED, List.of()));
        s = asha.schedule(table, 3);
        assertEquals(List.of(new Job(4, 0, false)), s.jobs(), "a failed trial frees its worker and is not ranked");

        table = new ArrayList<>(s.table());
        table.set(0, Trial.waiting(0, List.of(.6)));
        s = asha.schedule(table, 3);
        assertEquals(List.of(new Job(1, 1, true)), s.jobs());

        table = new ArrayList<>(s.table());
        table.set(2, Trial.waiting(2, List.of(.5)));
        table.set(4, Trial.waiting(4, List.of(.7)));
        s = asha.schedule(table, 3);
        assertEquals(List.of(new Job(2, 1, true)), s.jobs(), "budget spent: only promotions; t4 is not in the top half");
        assertFalse(asha.finished(s.table()));

        table = new ArrayList<>(s.table());
        table.set(1, Trial.waiting(1, List.of(.4, .3)));
        table.set(2, Trial.waiting(2, List.of(.5, .35)));
        s = asha.schedule(table, 3);
        assertEquals(List.of(new Job(1, 2, true)), s.jobs());

        table = new ArrayList<>(s.table());
        table.set(1, Trial.waiting(1, List.of(.4, .3, .28)));
        assertTrue(asha.finished(table), "nothing runs and nothing is promotable: the search is over");
        assertEquals(1, asha.best(table).orElseThrow().id());
    }

    @Test
    void aTrialThatFailedAfterItsPromotionIsNotPromotedAgain() {
        Asha asha = new Asha(1, 4, 2, 2);
        List<Trial> table = List.of(new Trial(0, 1, Asha.State.FAILED, List.of(.1)), Trial.waiting(1, List.of(.2)));
        // Rung 0 top 1 is t0, which already went to rung 1 (and failed there): no promotion, and the budget is spent.
        assertEquals(Optional.empty(), asha.next(table));
        assertTrue(asha.finished(table));
        assertEquals(0, asha.best(table).orElseThrow().id(), "its rung-0 result still ranks it first there");
    }

    @Test
    void nanRanksLastAndTiesGoToTheEarlierTrial() {
        Asha asha = new Asha(1, 2, 2, 4);
        List<Trial> table = List.of(Trial.waiting(0, List.of(Double.NaN)), Trial.waiting(1, List.of(.3)),
                Trial.waiting(2, List.of(.3)), Trial.waiting(3, List.of(.9)));
        assertEquals(List.of(1, 2), asha.top(table, 0).stream().map(Trial::id).toList());
        assertEquals(new Job(1, 1, true), asha.next(table).orElseThrow());
        assertEquals(1, asha.best(table).orElseThrow().id());
    }

    @Test
    void parallelismBoundsRunningTrials() {
        Asha asha = new Asha(1, 9, 3, 20);
        List<Trial> table = List.of(Trial.running(0, 0, List.of()), Trial.running(1, 0, List.of()));
        assertEquals(List.of(), asha.schedule(table, 2).jobs());
        assertEquals(1, asha.schedule(table, 3).jobs().size());
        assertTrue(asha.best(List.of()).isEmpty());
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Asha(3, 2, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> new Asha(1, 2, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Asha(1, 2, 2, 0));
    }
}
