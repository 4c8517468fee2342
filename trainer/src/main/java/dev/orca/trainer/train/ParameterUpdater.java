package dev.orca.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import java.util.List;

/**
 * Applies an optimizer to a fixed set of trainable parameters after a backward pass.
 *
 * <p>Call {@link #step()} outside the step's {@code NDScope}: DJL optimizers create their moment
 * buffers lazily on the first update, and a scope would close them at its end. The gradient views made
 * here are closed explicitly instead. The fused PyTorch update also zeroes each gradient.
 */
public final class ParameterUpdater {

    private final Optimizer optimizer;
    private final List<Parameter> parameters;

    public ParameterUpdater(Optimizer optimizer, List<Parameter> parameters) {
        this.optimizer = optimizer;
        this.parameters = List.copyOf(parameters);
        for (Parameter p : this.parameters) {
            p.getArray().setRequiresGradient(true);
        }
    }

    public void step() {
        for (Parameter p : parameters) {
            NDArray weight = p.getArray();
            try (NDArray grad = weight.getGradient()) {
                optimizer.update(p.getId(), weight, grad);
            }
        }
    }

    public List<Parameter> parameters() {
        return parameters;
    }
}
