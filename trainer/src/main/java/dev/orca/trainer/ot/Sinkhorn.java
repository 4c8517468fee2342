package dev.orca.trainer.ot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.orca.trainer.nd.Scalars;

/**
 * Entropic optimal transport in the log domain, for batches of problems:
 * {@code OT_ε(α, β) = min_P <P, C> + ε KL(P | a ⊗ b)} over couplings of {@code a} and {@code b}.
 *
 * <p>Shapes: cost {@code (B, n, m)}, log-weights {@code (B, n)} and {@code (B, m)}. Padding points get
 * a log-weight of {@link #LOG_ZERO}: they then carry no mass, which lets classes of different sizes
 * share one batched solve.
 *
 * <p>The solve runs without autograd (potentials are detached). Gradients come from {@link #value},
 * which recomputes one Sinkhorn step from the converged potentials on the differentiable cost: by the
 * envelope theorem its gradient with respect to the cost is the optimal plan, which is what unrolling
 * every iteration converges to, at a fraction of the memory (5000² unrolled took 11 GB here, the envelope 1.6 GB).
 */
public final class Sinkhorn {
    private Sinkhorn() {}

    /** Log-weight of a padding point: finite, so no NaN arises from {@code -inf - -inf}, yet exp() is 0. */
    public static final float LOG_ZERO = -1e30f;

    /** Iterations over which the plain rate is observed before over-relaxing. */
    private static final int RATE_WINDOW = 5;
    private static final double MAX_OMEGA = 1.95;
    private static final double ASYMPTOTIC_ERROR = 0.05;
    private static final int MAX_RELAXATIONS = 4;
    private static final int STALL_ITERATIONS = 30;

    /**
     * Converged dual potentials, detached.
     *
     * @param f              potentials of the first measure {@code (B, n)}
     * @param g              potentials of the second measure {@code (B, m)}
     * @param iterations     iterations at the target ε
     * @param marginalError  largest relative marginal violation at the end
     */
    public record Potentials(NDArray f, NDArray g, int iterations, double marginalError) {}

    public static Potentials solve(NDArray cost, NDArray logA, NDArray logB, SinkhornOptions options) {
        NDArray c = cost.stopGradient();
        NDArray la = logA.stopGradient();
        NDArray lb = logB.stopGradient();
        double target = options.epsilon();
        double eps = startEpsilon(c, options);
        NDArray f;
        NDArray g;
        try (NDScope scope = new NDScope()) {
            f = softminRows(c, lb, eps);
            g = softminCols(c, la.add(Scalars.div(f, eps)), eps);
            NDScope.unregister(f, g);
        }
        while (eps > target) {
            eps = Math.max(target, eps * options.scaling() * options.scaling());
            NDArray[] next;
            try (Kernel kernel = new Kernel(c, eps)) {
                next = alternate(kernel, la, lb, f, g, 1);
            }
            f.close();
            g.close();
            f = next[0];
            g = next[1];
        }
        // Plain Sinkhorn converges linearly, slowly when ε is small against the costs. Once its rate η
        // is observed, switch to over-relaxation with ω = 2 / (1 + sqrt(1 − η)) (Lehmann et al. 2021),
        // which turns η into roughly ω − 1; fall back to ω = 1 if the error blows up or stalls.
        double error = Double.NaN;
        double previousError = Double.NaN;
        double rate = Double.NaN;
        double omega = 1;
        int steady = 0;
        double errorAtSwitch = Double.NaN;
        int switchedAt = 0;
        Stop stop = new Stop(options.tolerance());
        int relaxations = 0;
        int iteration = 0;
        Kernel kernel = new Kernel(c, target);
        while (iteration < options.maxIterations()) {
            iteration++;
            NDArray[] next = alternate(kernel, la, lb, f, g, omega);
            try (NDScope scope = new NDScope()) {
                error = Scalars.value(next[1].sub(g).abs().max()) / target;
            }
            f.close();
            g.close();
            f = next[0];
            g = next[1];
            if (stop.reached(error, iteration, true)) {
                break;
            }
            if (omega > 1 && (error > 10 * errorAtSwitch
                    || (iteration - switchedAt > STALL_ITERATIONS && error > 0.5 * errorAtSwitch))) {
                // Over-relaxed iterates may rise for a while before they fall; a blow-up or a stall means ω
                // overshot, so go back to plain Sinkhorn for good.
                omega = 1;
                steady = 0;
                relaxations = MAX_RELAXATIONS;
            } else if (error < ASYMPTOTIC_ERROR && error < previousError) {
                // Estimate the linear rate only in the asymptotic regime, and only once it is steady.
                double ratio = error / previousError;
                steady = Math.abs(ratio - rate) < 0.01 ? steady + 1 : 0;
                rate = ratio;
                if (steady >= RATE_WINDOW && rate > 0.5 && relaxations < MAX_RELAXATIONS) {
                    // Young's relation (ρ + ω − 1)² = ρ ω² η recovers the plain rate η from the rate ρ
                    // observed under the current ω; then ω_opt = 2 / (1 + sqrt(1 − η)).
                    double eta = Math.min(0.9999, Math.pow(rate + omega - 1, 2) / (rate * omega * omega));
                    double better = Math.min(MAX_OMEGA, 2 / (1 + Math.sqrt(1 - eta)));
                    if (better > omega + 0.01) {
                        omega = better;
                        errorAtSwitch = error;
                        switchedAt = iteration;
                        stop.grace(iteration + STALL_ITERATIONS); // over-relaxed iterates rise before they fall
                        steady = 0;
                        relaxations++;
                    }
                }
            }
            previousError = error;
        }
        kernel.close();
        NDScope.register(f);
        NDScope.register(g);
        return new Potentials(f, g, iteration, error);
    }

    /**
     * {@code OT_ε} of each problem, {@code (B,)}, under {@code options.schedule()}: differentiable with respect to
     * {@code cost}, the gradient being the optimal plan.
     *
     * @param diameters per problem, the diameter of its two point clouds ({@link BoundingBox}); the
     *                  {@link SinkhornOptions.Schedule#ANNEALED} schedule starts at its square
     */
    public static NDArray transport(NDArray cost, NDArray logA, NDArray logB, double[] diameters, SinkhornOptions options) {
        if (options.schedule() == SinkhornOptions.Schedule.CONVERGED) {
            return value(cost, logA, logB, solve(cost, logA, logB, options), options.epsilon());
        }
        return annealedValue(cost, logA, logB, solveAnnealed(cost, logA, logB, diameters, options), options.epsilon());
    }

    /**
     * geomloss's list of temperatures for one problem (its {@code epsilon_schedule} with p = 2 and
     * blur = ε^½): {@code diameter²}, then {@code exp(2 log diameter + 2 i log scaling)} while above ε, then ε.
     * Its length is the number of averaged iterations.
     */
    static double[] annealingSchedule(double diameter, double epsilon, double scaling) {
        double blur = Math.sqrt(epsilon);
        double start = 2 * Math.log(diameter);
        double step = 2 * Math.log(scaling);
        int n = (int) Math.max(0, Math.ceil((2 * Math.log(blur) - start) / step));
        double[] list = new double[n + 2];
        list[0] = diameter * diameter;
        for (int i = 0; i < n; i++) {
            list[i + 1] = Math.exp(start + i * step);
        }
        list[n + 1] = blur * blur;
        return list;
    }

    /**
     * The {@link SinkhornOptions.Schedule#ANNEALED} solve, geomloss's {@code sinkhorn_loop} for a batch: potentials
     * start at the soft-min of the cost at the first temperature, then one simultaneous update of both, averaged
     * with the previous values, per temperature of {@link #annealingSchedule}. Problems whose schedules differ in
     * length are aligned at their end (a shorter one starts later), so that every problem runs exactly its own
     * schedule in one batched loop. Returns the potentials before geomloss's final full update, which
     * {@link #annealedValue} performs on the differentiable cost.
     */
    static Potentials solveAnnealed(NDArray cost, NDArray logA, NDArray logB, double[] diameters, SinkhornOptions options) {
        NDArray c = cost.stopGradient();
        NDArray la = logA.stopGradient();
        NDArray lb = logB.stopGradient();
        Shape shape = c.getShape();
        int batch = (int) shape.get(0);
        if (diameters.length != batch) {
            throw new IllegalArgumentException("one diameter per problem: " + diameters.length + " for " + batch);
        }
        double[][] schedules = new double[batch][];
        int steps = 0;
        for (int b = 0; b < batch; b++) {
            if (!(diameters[b] >= 0) || Double.isInfinite(diameters[b])) {
                throw new IllegalArgumentException("point clouds with a non-finite extent (NaN or infinite features?)");
            }
            schedules[b] = annealingSchedule(Math.max(diameters[b], Math.sqrt(options.epsilon())), options.epsilon(), options.scaling());
            steps = Math.max(steps, schedules[b].length + 1);
        }
        ai.djl.ndarray.NDManager manager = c.getManager();
        ai.djl.ndarray.types.DataType type = c.getDataType();
        NDArray ct;
        NDArray f = manager.zeros(new Shape(batch, shape.get(1)), type);
        NDArray g = manager.zeros(new Shape(batch, shape.get(2)), type);
        try (NDScope scope = new NDScope()) {
            ct = transposedCopy(c);
            NDScope.unregister(ct);
        }
        for (int t = 0; t < steps; t++) {
            float[] eps = new float[batch];
            float[] keep = new float[batch];
            for (int b = 0; b < batch; b++) {
                double[] s = schedules[b];
                int local = t - (steps - (s.length + 1));
                eps[b] = (float) (local <= 0 ? s[0] : s[local - 1]);
                keep[b] = local < 0 ? 1f : local == 0 ? 0f : 0.5f; // before its start, the start, an averaged step
            }
            try (NDScope scope = new NDScope()) {
                NDArray e = manager.create(eps, new Shape(batch, 1)).toType(type, false);
                NDArray k = manager.create(keep, new Shape(batch, 1)).toType(type, false);
                NDArray fNew = softmin(c, lb.add(g.div(e)), e);
                NDArray gNew = softmin(ct, la.add(f.div(e)), e);
                NDArray one = manager.ones(new Shape(), type);
                NDArray fNext = f.mul(k).add(fNew.mul(one.sub(k)));
                NDArray gNext = g.mul(k).add(gNew.mul(one.sub(k)));
                NDScope.unregister(fNext, gNext);
                f.close();
                g.close();
                f = fNext;
                g = gNext;
            }
        }
        ct.close();
        NDScope.register(f);
        NDScope.register(g);
        return new Potentials(f, g, steps, Double.NaN);
    }

    /**
     * The last two axes swapped, materialised contiguously (flatten() of the transposed view copies it), so that
     * column updates are log-sum-exps along a contiguous axis too.
     */
    private static NDArray transposedCopy(NDArray x) {
        Shape s = x.getShape();
        int d = s.dimension();
        return x.swapAxes(-1, -2).flatten().reshape(s.slice(0, d - 2).addAll(new Shape(s.get(d - 1), s.get(d - 2))));
    }

    /** {@code −ε_b log Σ_j exp(h_bj − C_bij / ε_b)} with one temperature per problem, {@code eps (B, 1)}. */
    private static NDArray softmin(NDArray c, NDArray h, NDArray eps) {
        NDArray s = h.expandDims(-2).sub(c.div(eps.expandDims(-1)));
        return LogSumExp.of(s, -1).mul(eps).neg();
    }

    /**
     * {@code OT_ε} from annealed potentials as geomloss computes it: one last full update of both potentials
     * from the previous ones, {@code <a, f'> + <b, g'>}. The cost is differentiable through the first measure's
     * update only — geomloss builds each side's cost with the other side detached — so the gradient with respect
     * to the first cloud is the plan's, and nothing is counted twice when the cost carries gradients of its own.
     */
    static NDArray annealedValue(NDArray cost, NDArray logA, NDArray logB, Potentials p, double eps) {
        NDArray fd = softminRows(cost, logB.add(Scalars.div(p.g(), eps)), eps);
        NDArray gd = softminCols(cost.stopGradient(), logA.add(Scalars.div(p.f(), eps)), eps);
        return logA.exp().mul(fd).sum(new int[] {-1}).add(logB.exp().mul(gd).sum(new int[] {-1}));
    }

    /**
     * The stopping rule of both solvers: the tolerance, or a stall. In float32 the potentials carry
     * rounding noise of ~1e-6 of the cost scale, which can exceed tolerance × ε; once the error has stopped
     * improving in the asymptotic regime, the solve is as converged as the arithmetic allows.
     */
    private static final class Stop {
        private final double tolerance;
        private double best = Double.POSITIVE_INFINITY;
        private int bestAt;

        Stop(double tolerance) {
            this.tolerance = tolerance;
        }

        boolean reached(double error, int iteration, boolean mayStall) {
            if (Double.isNaN(error)) {
                throw new IllegalStateException("Sinkhorn produced NaN potentials (NaN or infinite cost?)");
            }
            if (error < tolerance) {
                return true;
            }
            if (error < 0.99 * best) {
                best = error;
                bestAt = iteration;
                return false;
            }
            return mayStall && iteration - bestAt > STALL_ITERATIONS && error < ASYMPTOTIC_ERROR;
        }

        /** No stall is declared before {@code iteration}. */
        void grace(int iteration) {
            bestAt = Math.max(bestAt, iteration);
        }
    }

    /** One f-then-g update, relaxed by ω; returns new arrays that belong to no scope. */
    private static NDArray[] alternate(Kernel k, NDArray la, NDArray lb, NDArray f, NDArray g, double omega) {
        try (NDScope scope = new NDScope()) {
            NDArray fNew = relax(f, k.softmin(k.rows, lb.add(Scalars.div(g, k.eps))), omega);
            NDArray gNew = relax(g, k.softmin(k.cols, la.add(Scalars.div(fNew, k.eps))), omega);
            NDScope.unregister(fNew, gNew);
            return new NDArray[] {fNew, gNew};
        }
    }

    /**
     * {@code −C/ε} and its transpose, both contiguous, for one ε: every row and column update is then a
     * broadcast add and a log-sum-exp along the contiguous axis, with no per-iteration rescaling pass and
     * no strided reduction.
     */
    private static final class Kernel implements AutoCloseable {
        final NDArray rows;
        final NDArray cols;
        final double eps;

        Kernel(NDArray c, double eps) {
            this.eps = eps;
            try (NDScope scope = new NDScope()) {
                NDArray scaled = Scalars.mul(c, -1.0 / eps);
                rows = scaled;
                cols = transposedCopy(scaled);
                NDScope.unregister(rows, cols);
            }
        }

        /** {@code −ε log Σ_j exp(kernel_ij + h_j)}. */
        NDArray softmin(NDArray kernel, NDArray h) {
            return Scalars.mul(LogSumExp.of(kernel.add(h.expandDims(-2)), -1), -eps);
        }

        @Override
        public void close() {
            rows.close();
            cols.close();
        }
    }

    private static NDArray relax(NDArray old, NDArray update, double omega) {
        return omega == 1 ? update : Scalars.mul(old, 1 - omega).add(Scalars.mul(update, omega));
    }

    /** Potentials of the symmetric problem {@code OT_ε(α, α)} (cost symmetric), detached, {@code (B, n)}. */
    public static NDArray solveSymmetric(NDArray cost, NDArray logA, SinkhornOptions options) {
        NDArray c = cost.stopGradient();
        NDArray la = logA.stopGradient();
        double target = options.epsilon();
        double eps = startEpsilon(c, options);
        NDArray f;
        try (NDScope scope = new NDScope()) {
            f = softminRows(c, la, eps);
            NDScope.unregister(f);
        }
        Stop stop = new Stop(options.tolerance());
        int iteration = 0;
        while (true) {
            boolean annealing = eps > target;
            if (annealing) {
                eps = Math.max(target, eps * options.scaling() * options.scaling());
            } else if (++iteration > options.maxIterations()) {
                break;
            }
            NDArray next;
            double error;
            try (NDScope scope = new NDScope()) {
                // Averaging (geomloss's symmetric update) converges where the plain fixed-point update oscillates.
                next = Scalars.mul(f.add(softminRows(c, la.add(Scalars.div(f, eps)), eps)), 0.5);
                error = annealing ? Double.POSITIVE_INFINITY : Scalars.value(next.sub(f).abs().max()) / target;
                NDScope.unregister(next);
            }
            f.close();
            f = next;
            if (stop.reached(error, iteration, !annealing)) {
                break;
            }
        }
        NDScope.register(f);
        return f;
    }

    /**
     * {@code OT_ε} of each problem, {@code (B,)}, differentiable with respect to {@code cost}: its gradient
     * is the (row- and column-normalised, averaged) optimal plan.
     */
    public static NDArray value(NDArray cost, NDArray logA, NDArray logB, Potentials p, double eps) {
        NDArray f = p.f();
        NDArray g = p.g();
        NDArray fd = softminRows(cost, logB.add(Scalars.div(g, eps)), eps);
        NDArray gd = softminCols(cost, logA.add(Scalars.div(f, eps)), eps);
        NDArray a = logA.exp();
        NDArray b = logB.exp();
        NDArray fresh = a.mul(fd).sum(new int[] {-1}).add(b.mul(gd).sum(new int[] {-1}));
        NDArray fixed = a.mul(f).sum(new int[] {-1}).add(b.mul(g).sum(new int[] {-1}));
        return Scalars.mul(fresh.add(fixed), 0.5);
    }

    /** {@code OT_ε(α, α)} of each problem, {@code (B,)}, differentiable with respect to {@code cost}. */
    public static NDArray symmetricValue(NDArray cost, NDArray logA, NDArray f, double eps) {
        NDArray fd = softminRows(cost, logA.add(Scalars.div(f, eps)), eps);
        NDArray a = logA.exp();
        return a.mul(fd).sum(new int[] {-1}).add(a.mul(f).sum(new int[] {-1}));
    }

    /** The optimal plan {@code (B, n, m)} (for tests and diagnostics; the training path never forms it). */
    public static NDArray plan(NDArray cost, NDArray logA, NDArray logB, Potentials p, double eps) {
        NDArray exponent = p.f().expandDims(-1).add(p.g().expandDims(-2)).sub(cost);
        return Scalars.div(exponent, eps).add(logA.expandDims(-1)).add(logB.expandDims(-2)).exp();
    }

    /** Uniform log-weights {@code −log n}, {@code (batch, n)}. */
    public static NDArray uniformLogWeights(ai.djl.ndarray.NDManager manager, long batch, long n,
                                            ai.djl.ndarray.types.DataType type) {
        // log(n) in the target precision: a float-rounded constant makes the two marginals' masses differ
        // by ~1e-8, and an unbalanced problem never meets a tight tolerance.
        return manager.full(new ai.djl.ndarray.types.Shape(batch, n), (float) n, type).log().neg();
    }

    /** {@code f_i = −ε log Σ_j exp(h_j − C_ij / ε)}. */
    static NDArray softminRows(NDArray c, NDArray h, double eps) {
        NDArray s = Scalars.mul(c, -1.0 / eps).add(h.expandDims(-2));
        return Scalars.mul(LogSumExp.of(s, -1), -eps);
    }

    /** {@code g_j = −ε log Σ_i exp(h_i − C_ij / ε)}. */
    static NDArray softminCols(NDArray c, NDArray h, double eps) {
        NDArray s = Scalars.mul(c, -1.0 / eps).add(h.expandDims(-1));
        return Scalars.mul(LogSumExp.of(s, -2), -eps);
    }

    private static double startEpsilon(NDArray c, SinkhornOptions options) {
        if (options.scaling() == 0) {
            return options.epsilon();
        }
        double maxCost;
        try (NDScope scope = new NDScope()) {
            maxCost = Scalars.value(c.max());
        }
        if (!Double.isFinite(maxCost)) {
            throw new IllegalArgumentException("cost matrix has a non-finite entry (NaN or infinite features?)");
        }
        return Math.max(maxCost, options.epsilon());
    }
}
