package dev.orca.trainer.nd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.ArrayList;
import java.util.List;

/**
 * libtorch's fused Adam and AdamW kernels ({@code aten::_fused_adam_}, {@code _fused_adamw_}: what
 * {@code torch.optim.AdamW(fused=True)} runs, on CPU since PyTorch 2.4), over every parameter in one call, each element
 * read and written once. DJL's JNI binds only its own {@code adamUpdate}, which makes the update from whole-tensor ops:
 * a copy of the gradient and six more full-size temporaries per parameter, about a dozen passes over memory. The kernels
 * are reached through a TorchScript method ({@link TorchScriptArchive}) that libtorch compiles once per process.
 *
 * <p>The arithmetic is PyTorch's AdamW: {@code p ← p·(1 − lr·wd)}, then the moments, then
 * {@code p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)}; Adam adds {@code wd·p} to the gradient instead. The moments
 * are the same tensors {@code ParameterUpdater} keeps, so checkpoints do not change. Gradients are zeroed after the
 * update, as DJL's update does.
 */
public final class FusedAdam {
    private static final String CLASS = "FusedAdam";
    // One method per variant: the kernels' schemas differ only in their name. A step count per parameter is what the
    // kernels take; every parameter here has taken the same number of steps, so one scalar tensor stands for all.
    private static final String METHODS = method("adamw", "_fused_adamw_") + method("adam", "_fused_adam_");

    private static String method(String name, String kernel) {
        return "    def " + name + "(self: __torch__." + CLASS + ", params: List[Tensor], grads: List[Tensor],"
                + " exp_avgs: List[Tensor], exp_avg_sqs: List[Tensor], step: float, lr: float, beta1: float,"
                + " beta2: float, weight_decay: float, eps: float) -> NoneType:\n"
                + "        count = torch.tensor(step, dtype=6, device=ops.prim.device(params[0]))\n"
                + "        steps = [count for p in params]\n"
                + "        torch." + kernel + "(params, grads, exp_avgs, exp_avg_sqs, annotate(List[Tensor], []), steps,"
                + " lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False)\n"
                + "        torch._foreach_zero_(grads)\n"
                + "        return None\n";
    }

    private static final CompiledModule MODULE = new CompiledModule(CLASS, METHODS, "parameters are updated by DJL's adamUpdate");

    private FusedAdam() {}

    /**
     * Whether the kernels can be called for arrays of this manager: the PyTorch engine, and the TorchScript method
     * compiled (once; a failure is logged once and the caller keeps DJL's update).
     */
    public static boolean availableFor(NDManager manager) {
        return manager instanceof PtNDManager && MODULE.get().isPresent();
    }

    /**
     * One update of every parameter from its gradient, in place, then zeroes the gradients. {@code step} counts from 1;
     * {@code decoupled}: AdamW's weight decay, else Adam's L2 term.
     */
    public static void step(List<NDArray> params, List<NDArray> grads, List<NDArray> expAvgs, List<NDArray> expAvgSqs,
            long step, float lr, float beta1, float beta2, float weightDecay, float eps, boolean decoupled) {
        if (params.isEmpty()) return;
        PtSymbolBlock block = MODULE.get().orElseThrow(() -> new IllegalStateException("the fused Adam kernels are not available"));
        List<IValue> inputs = new ArrayList<>(10);
        try {
            inputs.add(IValue.listFrom(tensors(params)));
            inputs.add(IValue.listFrom(tensors(grads)));
            inputs.add(IValue.listFrom(tensors(expAvgs)));
            inputs.add(IValue.listFrom(tensors(expAvgSqs)));
            inputs.add(IValue.from((double) step));
            inputs.add(IValue.from((double) lr));
            inputs.add(IValue.from((double) beta1));
            inputs.add(IValue.from((double) beta2));
            inputs.add(IValue.from((double) weightDecay));
            inputs.add(IValue.from((double) eps));
            IValueUtils.runMethod(block, decoupled ? "adamw" : "adam", inputs.toArray(IValue[]::new)).close();
        } finally {
            inputs.forEach(IValue::close);
        }
    }

    private static PtNDArray[] tensors(List<NDArray> arrays) {
        PtNDArray[] out = new PtNDArray[arrays.size()];
        for (int i = 0; i < out.length; i++) out[i] = (PtNDArray) arrays.get(i);
        return out;
    }
}
