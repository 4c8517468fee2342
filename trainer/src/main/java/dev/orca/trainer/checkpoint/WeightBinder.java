package dev.orca.trainer.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.orca.trainer.body.ParameterSlot;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Copies checkpoint tensors into an initialised model's parameters, by canonical name, after checking
 * that each tensor exists and has exactly the shape its parameter (or parameter slice) expects, and that
 * the checkpoint has no body tensor the model would silently ignore.
 */
public final class WeightBinder {
    private WeightBinder() {}

    public static void bind(BodyCheckpoint checkpoint, Map<String, ParameterSlot> slots) {
        bind(checkpoint.source(), checkpoint.config(), checkpoint.tensors(), slots);
    }

    /**
     * Copies {@code tensors} into {@code slots}: every slot needs its tensor at the slot's shape, and every
     * tensor must be used ({@code configuration} describes the model in the messages).
     */
    public static void bind(String source, Object configuration, Map<String, TensorData> tensors, Map<String, ParameterSlot> slots) {
        List<String> missing = new ArrayList<>();
        for (var entry : slots.entrySet()) {
            String name = entry.getKey();
            ParameterSlot slot = entry.getValue();
            TensorData tensor = tensors.get(name);
            if (tensor == null) {
                missing.add(name);
                continue;
            }
            NDArray target = slot.parameter().getArray();
            long[] expected = expectedShape(slot, target.getShape());
            if (!Arrays.equals(expected, tensor.shape())) {
                throw new CheckpointException(source + ": tensor " + name + " has shape "
                        + tensor.shapeString() + " but the configuration " + configuration
                        + " needs " + Arrays.toString(expected));
            }
            if (slot.isWhole()) {
                target.set(FloatBuffer.wrap(tensor.values()));
            } else {
                try (NDArray values = target.getManager().create(tensor.values(), new Shape(expected))) {
                    target.set(new NDIndex("{}:{}", slot.firstRow(), slot.firstRow() + slot.rows()), values);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new CheckpointException(source + ": missing tensor" + (missing.size() > 1 ? "s " : " ")
                    + summarize(missing));
        }
        TreeSet<String> unexpected = new TreeSet<>(tensors.keySet());
        unexpected.removeAll(slots.keySet());
        if (!unexpected.isEmpty()) {
            throw new CheckpointException(source + ": tensor" + (unexpected.size() > 1 ? "s " : " ")
                    + summarize(new ArrayList<>(unexpected)) + " not used by the configuration "
                    + configuration + " (does config.json match the weights?)");
        }
    }

    private static long[] expectedShape(ParameterSlot slot, Shape parameterShape) {
        long[] shape = parameterShape.getShape();
        if (!slot.isWhole()) {
            shape = shape.clone();
            shape[0] = slot.rows();
        }
        return shape;
    }

    private static String summarize(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
    }
}
