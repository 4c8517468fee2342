package dev.orca.bench;

import dev.orca.search.PairedDifference;
import java.util.List;
import java.util.Locale;

/** The side-by-side table of {@link OfficialParity}: per implementation, both modes and their paired gap. */
final class SideBySide {
    private SideBySide() {}

    static String table(String task, List<OfficialParity.Run> runs) {
        StringBuilder t = new StringBuilder("| task | implementation | orca test (mean ± std) | finetune test (mean ± std) | ORCA − fine-tuning"
                + " per seed | paired gap (mean ± std) | 95 % interval | alignment paid? | OTDD first → last epoch (mean) | s per run"
                + " (orca / finetune) |\n|---|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder across = new StringBuilder();
        for (String implementation : List.of("authors", "Orca")) {
            double[] orca = tests(runs, implementation, "orca");
            double[] finetune = tests(runs, implementation, "finetune");
            PairedDifference gap = PairedDifference.of(orca, finetune);
            StringBuilder perSeed = new StringBuilder();
            for (double d : gap.differences()) {
                perSeed.append(perSeed.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%+.3f", d));
            }
            List<List<Double>> curves = runs.stream().filter(r -> r.implementation().equals(implementation) && r.mode().equals("orca"))
                    .map(OfficialParity.Run::alignmentCurve).filter(c -> !c.isEmpty()).toList();
            String otdd = curves.isEmpty() ? "–" : String.format(Locale.ROOT, "%.2f → %.2f",
                    curves.stream().mapToDouble(c -> c.get(0)).average().orElseThrow(),
                    curves.stream().mapToDouble(c -> c.get(c.size() - 1)).average().orElseThrow());
            t.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %+.4f ± %.4f | [%+.4f, %+.4f] | %s | %s | %.0f / %.0f |%n",
                    task, implementation, Reproduction.meanStd(orca), Reproduction.meanStd(finetune), perSeed, gap.mean(), gap.std(),
                    gap.low(), gap.high(), switch (gap.verdict()) {
                        case A_BETTER -> "yes";
                        case B_BETTER -> "no, it cost";
                        case UNRESOLVED -> "not resolved";
                    }, otdd, seconds(runs, implementation, "orca"), seconds(runs, implementation, "finetune")));
        }
        for (String mode : OfficialParity.MODES) {
            PairedDifference d = PairedDifference.of(tests(runs, "Orca", mode), tests(runs, "authors", mode));
            across.append(String.format(Locale.ROOT, "%s %s: Orca − authors %+.4f ± %.4f, 95 %% interval [%+.4f, %+.4f]%n",
                    task, mode, d.mean(), d.std(), d.low(), d.high()));
        }
        return t.append('\n').append(across).toString();
    }

    private static double[] tests(List<OfficialParity.Run> runs, String implementation, String mode) {
        return runs.stream().filter(r -> r.implementation().equals(implementation) && r.mode().equals(mode))
                .sorted(java.util.Comparator.comparingInt(OfficialParity.Run::seed)).mapToDouble(OfficialParity.Run::test).toArray();
    }

    private static double seconds(List<OfficialParity.Run> runs, String implementation, String mode) {
        return runs.stream().filter(r -> r.implementation().equals(implementation) && r.mode().equals(mode))
                .mapToDouble(OfficialParity.Run::seconds).average().orElse(Double.NaN);
    }
}
