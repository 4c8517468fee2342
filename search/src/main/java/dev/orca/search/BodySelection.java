package dev.orca.search;

import java.util.List;
import java.util.Optional;

/**
 * Picks the body whose alignment ends closest to the proxy source (the ORCA paper's proposal for choosing a
 * pretrained model): the smallest final distance among the candidates that finished; a failed or diverged (NaN)
 * candidate cannot win; exact ties go to the earlier candidate in the spec, so the choice is reproducible.
 */
public final class BodySelection {
    private BodySelection() {}

    /** {@code finalDistances.get(i)}: candidate i's last alignment distance, null when it failed. Empty when none finished. */
    public static Optional<Integer> choose(List<Double> finalDistances) {
        Integer best = null;
        for (int i = 0; i < finalDistances.size(); i++) {
            Double d = finalDistances.get(i);
            if (d != null && Double.isFinite(d) && (best == null || d < finalDistances.get(best))) {
                best = i;
            }
        }
        return Optional.ofNullable(best);
    }
}
