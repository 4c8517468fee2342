package dev.orca.trainer.body;

import ai.djl.nn.Parameter;

/**
 * Where one checkpoint tensor lives in the model: a whole parameter, or a block of rows of one (the
 * fused query/key/value projection holds three checkpoint tensors).
 *
 * @param parameter the DJL parameter
 * @param firstRow  first row along axis 0 that the tensor occupies
 * @param rows      number of rows it occupies; the tensor's shape is {@code [rows, rest of parameter]}
 */
public record ParameterSlot(Parameter parameter, long firstRow, long rows) {

    public static ParameterSlot whole(Parameter parameter) {
        return new ParameterSlot(parameter, 0, -1);
    }

    public boolean isWhole() {
        return rows < 0;
    }
}
