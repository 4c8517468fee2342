package dev.orca.trainer.nd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.training.ParameterStore;

/**
 * bfloat16 matrix products with fp32 master weights: what PyTorch's autocast does to {@code linear} and {@code matmul}.
 * Inside {@link #bf16()} (per thread, as autocast is), {@link #linear} and {@link #matMul} cast their operands to bfloat16,
 * multiply, and return fp32; the casts are recorded by autograd, so the gradients reaching the fp32 weights are fp32
 * casts of bfloat16 products. Everything else (layer norms, softmax, GELU, losses, the optimizer) runs in fp32 as before;
 * autocast runs those in fp32 too, except that it keeps the products' outputs in bfloat16 where this returns fp32.
 *
 * <p>Why a TorchScript method rather than DJL's casts: DJL 0.36's PyTorch JNI maps no data type to bfloat16 (an array
 * of it aborts the JVM when asked its type) and runs {@code toType} without autograd. Here bfloat16 tensors exist only
 * inside a method that libtorch compiles once per process ({@link TorchScriptArchive}), called with autograd on, so no
 * DJL array is ever bfloat16. Outside the scope, or on an engine other than PyTorch, both are DJL's fp32 ops.
 */
public final class Autocast {
    private static final String CLASS = "Bf16Products";
    // ScalarType codes as serialized TorchScript writes them: 15 bfloat16, 6 float32.
    private static final String METHODS = ""
            + "    def linear(self: __torch__." + CLASS + ", x: Tensor, weight: Tensor, bias: Tensor) -> Tensor:\n"
            + "        y = torch.linear(torch.to(x, 15), torch.to(weight, 15), torch.to(bias, 15))\n"
            + "        return torch.to(y, 6)\n"
            + "    def linear_unbiased(self: __torch__." + CLASS + ", x: Tensor, weight: Tensor) -> Tensor:\n"
            + "        return torch.to(torch.linear(torch.to(x, 15), torch.to(weight, 15)), 6)\n"
            + "    def matmul(self: __torch__." + CLASS + ", a: Tensor, b: Tensor) -> Tensor:\n"
            + "        return torch.to(torch.matmul(torch.to(a, 15), torch.to(b, 15)), 6)\n";
    private static final String METHOD_MARKER = "module_method:";
    private static final ThreadLocal<Boolean> BF16 = ThreadLocal.withInitial(() -> false);
    private static final CompiledModule MODULE = new CompiledModule(CLASS, METHODS, "products run in fp32");

    private Autocast() {}

    /** Products on this thread run in bfloat16 until the scope closes (scopes nest; closing restores the outer setting). */
    public static Scope bf16() {
        return bf16(true);
    }

    /** A scope in which products run in bfloat16 if {@code enabled}, else as they did outside it. */
    public static Scope bf16(boolean enabled) {
        boolean outer = BF16.get();
        if (enabled && !outer) {
            if (MODULE.get().isEmpty()) return () -> {};
            BF16.set(true);
        }
        return () -> BF16.set(outer);
    }

    /** Whether products on this thread currently run in bfloat16. */
    public static boolean bf16Active() {
        return BF16.get();
    }

    /** An {@link AutoCloseable} that throws nothing. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** {@code block}'s affine map of {@code x} ({@code x·Wᵀ + b}), with its parameters read from {@code store}. */
    public static NDArray linear(ParameterStore store, Linear block, NDArray x, boolean training) {
        if (!applies(x)) return block.forward(store, new NDList(x), training).singletonOrThrow();
        NDArray weight = store.getValue(block.getParameters().get("weight"), x.getDevice(), training);
        var biasParameter = block.getParameters().get("bias");
        NDArray bias = biasParameter == null ? null : store.getValue(biasParameter, x.getDevice(), training);
        return bias == null ? call("linear_unbiased", x, weight) : call("linear", x, weight, bias);
    }

    /** {@code a.matMul(b)}. */
    public static NDArray matMul(NDArray a, NDArray b) {
        return applies(a) ? call("matmul", a, b) : a.matMul(b);
    }

    private static boolean applies(NDArray x) {
        return BF16.get() && x instanceof PtNDArray;
    }

    private static NDArray call(String method, NDArray... operands) {
        // The method is named by an array so marked (DJL's convention); the result belongs to the first operand's manager.
        NDList inputs = new NDList(operands.length + 1);
        inputs.add(operands[0]);
        try (NDArray marker = operands[0].getManager().create(0f)) {
            marker.setName(METHOD_MARKER + method);
            inputs.add(marker);
            for (int i = 1; i < operands.length; i++) inputs.add(operands[i]);
            return IValueUtils.forward(MODULE.get().orElseThrow(), inputs, true).singletonOrThrow();
        }
    }
}
