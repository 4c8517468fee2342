package dev.orca.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import dev.orca.trainer.nd.FusedAdam;
import dev.orca.trainer.nd.Scalars;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SGD (with momentum), Adam and AdamW over a fixed parameter list, with state this class owns so a
 * checkpoint can save and restore it exactly (DJL's optimizers keep their moments private). Adam and AdamW run
 * libtorch's fused multi-tensor kernels ({@link FusedAdam}) where the engine is PyTorch, else (or with
 * {@code -Dorca.fusedAdam=false}, kept for comparison) DJL's per-parameter {@code adamUpdate}; SGD is DJL's
 * {@code sgdUpdate}. Every path zeroes the gradients it used. Call {@link #step} outside the step's {@code NDScope}.
 */
public final class ParameterUpdater {

    /** The supported algorithms (the experiment spec's {@code optimizer.name}). */
    public enum Kind { SGD, ADAM, ADAMW }

    private final Kind kind;
    private final List<Parameter> parameters;
    private final float weightDecay;
    private final float momentum;
    private final float beta1;
    private final float beta2;
    private final float epsilon = 1e-8f;
    private final Map<String, NDArray[]> moments = new LinkedHashMap<>();
    /** Adam or AdamW on libtorch's fused kernels (else DJL's per-parameter update); decided once, when made. */
    private final boolean fused;
    private long steps;

    /** With Adam's own betas (0.9, 0.999). */
    public ParameterUpdater(Kind kind, List<Parameter> parameters, double weightDecay, double momentum) {
        this(kind, parameters, weightDecay, momentum, 0.9, 0.999);
    }

    public ParameterUpdater(Kind kind, List<Parameter> parameters, double weightDecay, double momentum, double beta1, double beta2) {
        if (!(weightDecay >= 0) || !(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("optimizer.weightDecay must be >= 0 and momentum in [0, 1), got "
                    + weightDecay + ", " + momentum);
        }
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("optimizer.betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.kind = kind;
        this.parameters = List.copyOf(parameters);
        this.weightDecay = (float) weightDecay;
        this.momentum = (float) momentum;
        this.fused = kind != Kind.SGD && !"false".equals(System.getProperty("orca.fusedAdam")) && !this.parameters.isEmpty()
                && FusedAdam.availableFor(this.parameters.get(0).getArray().getManager());
        for (Parameter p : this.parameters) {
            p.getArray().setRequiresGradient(true);
        }
    }

    /** One update with learning rate {@code lr} from the accumulated gradients, which it then zeroes. */
    public void step(double lr) {
        steps++;
        float rate = (float) lr;
        if (fused) {
            fusedStep(rate);
            return;
        }
        for (int index = 0; index < parameters.size(); index++) {
            Parameter p = parameters.get(index);
            NDArray weight = p.getArray();
            try (NDArray grad = weight.getGradient()) {
                NDArray[] state = moments.computeIfAbsent(key(index), k -> newState(weight));
                if (kind == Kind.SGD) {
                    NDList inputs = momentum == 0 ? new NDList(weight, grad) : new NDList(weight, grad, state[0]);
                    weight.getNDArrayInternal().sgdUpdate(inputs, new NDList(weight), rate, weightDecay, 1f, -1f, momentum, true);
                } else {
                    double correction = rate * Math.sqrt(1 - Math.pow(beta2, steps)) / (1 - Math.pow(beta1, steps));
                    weight.getNDArrayInternal().adamUpdate(new NDList(weight, grad, state[0], state[1]), new NDList(weight),
                            rate, (float) correction, weightDecay, 1f, -1f, beta1, beta2, epsilon, true, kind == Kind.ADAMW);
                }
            }
        }
    }

    private void fusedStep(float rate) {
        int n = parameters.size();
        List<NDArray> weights = new ArrayList<>(n);
        List<NDArray> grads = new ArrayList<>(n);
        List<NDArray> expAvgs = new ArrayList<>(n);
        List<NDArray> expAvgSqs = new ArrayList<>(n);
        try {
            for (int index = 0; index < n; index++) {
                NDArray weight = parameters.get(index).getArray();
                NDArray[] state = moments.computeIfAbsent(key(index), k -> newState(weight));
                weights.add(weight);
                grads.add(weight.getGradient());
                expAvgs.add(state[0]);
                expAvgSqs.add(state[1]);
            }
            FusedAdam.step(weights, grads, expAvgs, expAvgSqs, steps, rate, beta1, beta2, weightDecay, epsilon,
                    kind == Kind.ADAMW);
        } finally {
            grads.forEach(NDArray::close); // handles to the gradients, not the gradients
        }
    }

    private NDArray[] newState(NDArray weight) {
        int count = kind == Kind.SGD ? 1 : 2;
        NDArray[] state = new NDArray[count];
        for (int i = 0; i < count; i++) {
            state[i] = weight.zerosLike();
            state[i].setRequiresGradient(false);
            NDScope.unregister(state[i]);
        }
        return state;
    }

    /**
     * Scales all gradients so that their global L2 norm is at most {@code maxNorm}; returns the norm
     * before clipping (NaN or infinite if a gradient is).
     */
    public double clipGradientNorm(double maxNorm) {
        // One scope for every temporary: gradient views, squares, the scale. (Called outside the step's
        // scope, anything left unclosed here would live as long as the parameters do.)
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            double sumSquares = 0;
            for (Parameter p : parameters) {
                NDArray g = p.getArray().getGradient();
                sumSquares += Scalars.value(g.mul(g).sum());
            }
            double norm = Math.sqrt(sumSquares);
            if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
                for (Parameter p : parameters) {
                    NDArray g = p.getArray().getGradient();
                    g.muli(Scalars.scalarLike(g, maxNorm / norm));
                }
            }
            return norm;
        }
    }

    /** Everything a resumed run needs: the step count and every moment buffer, by parameter. */
    public record State(long steps, Map<String, float[]> moments) {}

    public State state() {
        Map<String, float[]> out = new LinkedHashMap<>();
        moments.forEach((key, arrays) -> {
            for (int i = 0; i < arrays.length; i++) {
                out.put(key + "#" + i, arrays[i].toFloatArray());
            }
        });
        return new State(steps, out);
    }

    public void load(State state) {
        steps = state.steps();
        for (int index = 0; index < parameters.size(); index++) {
            Parameter p = parameters.get(index);
            String key = key(index);
            if (!state.moments().containsKey(key + "#0")) {
                continue; // never updated before the checkpoint
            }
            NDArray[] arrays = moments.computeIfAbsent(key, k -> newState(p.getArray()));
            for (int i = 0; i < arrays.length; i++) {
                float[] values = state.moments().get(key + "#" + i);
                if (values == null || values.length != arrays[i].size()) {
                    throw new IllegalArgumentException("optimizer state for " + p.getName() + " does not match the model");
                }
                arrays[i].set(java.nio.FloatBuffer.wrap(values));
            }
        }
    }

    /** Stable across runs: parameter ids are random per instance, the list order is the model's. */
    private String key(int index) {
        return index + ":" + parameters.get(index).getName();
    }

    public long steps() {
        return steps;
    }
}
