package dev.orca.trainer.body;

import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.Map;

/** Hugging Face names of DJL's stock blocks. */
public final class Blocks {
    private Blocks() {}

    public static void linear(String prefix, Linear linear, Map<String, ParameterSlot> out) {
        out.put(prefix + "weight", ParameterSlot.whole(linear.getParameters().get("weight")));
        out.put(prefix + "bias", ParameterSlot.whole(linear.getParameters().get("bias")));
    }

    public static void conv(String prefix, ai.djl.nn.convolutional.Convolution conv, Map<String, ParameterSlot> out) {
        out.put(prefix + "weight", ParameterSlot.whole(conv.getParameters().get("weight")));
        out.put(prefix + "bias", ParameterSlot.whole(conv.getParameters().get("bias")));
    }

    public static void layerNorm(String prefix, LayerNorm norm, Map<String, ParameterSlot> out) {
        out.put(prefix + "weight", ParameterSlot.whole(norm.getParameters().get("gamma")));
        out.put(prefix + "bias", ParameterSlot.whole(norm.getParameters().get("beta")));
    }
}
