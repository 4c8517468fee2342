package dev.orca.bench;

import dev.orca.search.PairedDifference;
import dev.orca.trainer.run.ExperimentRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether alignment paid, as the benchmarks print it: each aligning mode's test figure minus that of the same mode
 * without alignment ({@code orca} − {@code finetune}, {@code orca-layernorm} − {@code finetune-layernorm}), seed by
 * seed, with the mean's 95 % Student-t interval ({@link PairedDifference}). Unpaired means ± std hide this: the
 * seed-to-seed spread of a split is shared by both modes and cancels in the difference.
 */
final class PairedGaps {
    static final String HEADER = "| task | ORCA − fine-tuning | per seed | mean ± std | 95 % interval | alignment paid? |\n|---|---|---|---|---|---|\n";

    private PairedGaps() {
    }

    /** The table's rows for one task's runs (mode → one result per seed, seeds in the same order); none without a pair. */
    static List<String> rows(String task, Map<String, List<ExperimentRun.Result>> byMode) {
        List<String> rows = new ArrayList<>();
        byMode.forEach((mode, runs) -> {
            String plainMode = mode.replaceFirst("^orca", "finetune");
            List<ExperimentRun.Result> plain = mode.startsWith("orca") ? byMode.get(plainMode) : null;
            if (plain != null && plain.size() == runs.size()) {
                PairedDifference d = PairedDifference.of(tests(runs), tests(plain));
                rows.add(String.format(Locale.ROOT, "| %s | %s − %s | %s | %s | %s | %s |%n", task, mode, plainMode,
                        String.join(", ", java.util.Arrays.stream(d.differences()).mapToObj(x -> String.format(Locale.ROOT, "%+.4f", x)).toList()),
                        meanAndStd(d), interval(d), paid(d)));
            }
        });
        return rows;
    }

    static double[] tests(List<ExperimentRun.Result> runs) {
        return runs.stream().mapToDouble(ExperimentRun.Result::test).toArray();
    }

    /** The mean difference and, from two seeds on, its standard deviation. */
    static String meanAndStd(PairedDifference d) {
        return Double.isNaN(d.std()) ? String.format(Locale.ROOT, "%+.4f", d.mean()) : String.format(Locale.ROOT, "%+.4f ± %.4f", d.mean(), d.std());
    }

    static String interval(PairedDifference d) {
        return Double.isNaN(d.low()) ? "–" : String.format(Locale.ROOT, "[%+.4f, %+.4f]", d.low(), d.high());
    }

    /** The verdict in words, for a difference "aligned − not aligned" of an error (lower is better). */
    static String paid(PairedDifference d) {
        return switch (d.verdict()) {
            case A_BETTER -> "yes";
            case B_BETTER -> "no, worse";
            case UNRESOLVED -> "not resolved";
        };
    }
}
