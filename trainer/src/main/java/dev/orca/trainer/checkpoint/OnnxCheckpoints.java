package dev.orca.trainer.checkpoint;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.CodedInputStream;
import dev.orca.trainer.body.BodyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BERT-family encoders exported to ONNX by Hugging Face's exporter (the bundled langchain4j models).
 *
 * <p>Named initializers already carry HF names. MatMul weights are anonymous ({@code onnx::MatMul_787})
 * and stored {@code [in, out]}: they are named after the node that consumes them
 * ({@code /encoder/layer.0/attention/self/query/MatMul} becomes
 * {@code encoder.layer.0.attention.self.query.weight}) and transposed. Heads and LayerNorm epsilon are
 * not weights, so they are read from the graph's constants: the attention score divisor sqrt(head size)
 * and the constant added to the variance.
 */
public final class OnnxCheckpoints {
    private OnnxCheckpoints() {}

    private static final Pattern MATMUL_NODE = Pattern.compile("^/((?:encoder/layer\\.\\d+/)[a-z/_.]+)/MatMul$");
    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");
    private static final String SCORE_DIV = "/encoder/layer.0/attention/self/Div";
    private static final String EPS_ADD = "/embeddings/LayerNorm/Add";

    public static BodyCheckpoint load(String source, InputStream onnx, BodyCheckpoint.TokenizerSource tokenizer) {
        ModelProto model;
        try {
            CodedInputStream coded = CodedInputStream.newInstance(onnx);
            coded.setSizeLimit(Integer.MAX_VALUE);
            model = ModelProto.parseFrom(coded);
        } catch (IOException e) {
            throw new CheckpointException(source + ": not a readable ONNX model: " + e.getMessage(), e);
        }
        GraphProto graph = model.getGraph();
        Map<String, NodeProto> consumerOfWeight = new HashMap<>();
        Map<String, NodeProto> byName = new HashMap<>();
        Map<String, NodeProto> producerOf = new HashMap<>();
        for (NodeProto node : graph.getNodeList()) {
            byName.put(node.getName(), node);
            for (String out : node.getOutputList()) {
                producerOf.put(out, node);
            }
            if (node.getOpType().equals("MatMul") && node.getInputCount() == 2) {
                consumerOfWeight.put(node.getInput(1), node);
            }
        }
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (TensorProto init : graph.getInitializerList()) {
            String name = init.getName();
            if (name.equals("embeddings.position_ids")) {
                continue;
            }
            if (HfNames.canonical(name) == null) {
                continue;
            }
            if (name.startsWith("onnx::MatMul")) {
                NodeProto consumer = consumerOfWeight.get(name);
                Matcher m = consumer == null ? null : MATMUL_NODE.matcher(consumer.getName());
                if (m == null || !m.matches()) {
                    throw new CheckpointException(source + ": unknown ONNX layout: weight " + name + " is consumed by "
                            + (consumer == null ? "no MatMul node" : "node " + consumer.getName())
                            + ", expected /encoder/layer.N/<module>/MatMul");
                }
                String hfName = m.group(1).replace('/', '.') + ".weight";
                tensors.put(hfName, floats(source, init).transposed(hfName));
            } else if (name.startsWith("embeddings.") || name.startsWith("encoder.")) {
                tensors.put(name, floats(source, init));
            } else {
                throw new CheckpointException(source + ": unknown ONNX layout: initializer " + name
                        + " is not part of a BERT encoder");
            }
        }
        BodyConfig config = configOf(source, tensors, byName, producerOf, graph);
        return new BodyCheckpoint(source, config, tensors, tokenizer);
    }

    private static BodyConfig configOf(String source, Map<String, TensorData> tensors, Map<String, NodeProto> byName,
                                       Map<String, NodeProto> producerOf, GraphProto graph) {
        TensorData words = require(source, tensors, "embeddings.word_embeddings.weight");
        TensorData positions = require(source, tensors, "embeddings.position_embeddings.weight");
        TensorData types = require(source, tensors, "embeddings.token_type_embeddings.weight");
        TensorData inter = require(source, tensors, "encoder.layer.0.intermediate.dense.bias");
        int layers = 0;
        for (String name : tensors.keySet()) {
            Matcher m = LAYER.matcher(name);
            if (m.find()) {
                layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
            }
        }
        int hidden = (int) words.shape()[1];
        float divisor = constantInput(source, byName.get(SCORE_DIV), producerOf, graph, "attention score divisor");
        int headSize = Math.round(divisor * divisor);
        if (headSize <= 0 || Math.abs(Math.sqrt(headSize) - divisor) > 1e-3 || hidden % headSize != 0) {
            throw new CheckpointException(source + ": unknown ONNX layout: attention scores are divided by " + divisor
                    + ", which is not sqrt(head size) for hidden size " + hidden);
        }
        float eps = constantInput(source, byName.get(EPS_ADD), producerOf, graph, "LayerNorm epsilon");
        try {
            return new BodyConfig(BodyConfig.Family.BERT, layers, hidden, hidden / headSize, (int) inter.shape()[0],
                    (int) positions.shape()[0], (int) words.shape()[0], (int) types.shape()[0], eps, 0, 0.1f);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(source + ": " + e.getMessage(), e);
        }
    }

    /** The scalar float that a node takes as its second input from a Constant node or an initializer. */
    private static float constantInput(String source, NodeProto node, Map<String, NodeProto> producerOf,
                                       GraphProto graph, String what) {
        if (node == null || node.getInputCount() != 2) {
            throw new CheckpointException(source + ": unknown ONNX layout: cannot find the " + what
                    + " (expected nodes " + SCORE_DIV + " and " + EPS_ADD + ")");
        }
        String input = node.getInput(1);
        NodeProto producer = producerOf.get(input);
        TensorProto value = null;
        if (producer != null && producer.getOpType().equals("Constant") && producer.getAttributeCount() > 0) {
            value = producer.getAttribute(0).getT();
        } else {
            for (TensorProto init : graph.getInitializerList()) {
                if (init.getName().equals(input)) {
                    value = init;
                }
            }
        }
        if (value == null) {
            throw new CheckpointException(source + ": unknown ONNX layout: the " + what + " (" + input
                    + " of node " + node.getName() + ") is not a constant");
        }
        float[] values = floats(source, value).values();
        if (values.length != 1) {
            throw new CheckpointException(source + ": unknown ONNX layout: the " + what + " (" + input
                    + ") has " + values.length + " values, expected 1");
        }
        return values[0];
    }

    private static TensorData require(String source, Map<String, TensorData> tensors, String name) {
        TensorData t = tensors.get(name);
        if (t == null) {
            throw new CheckpointException(source + ": unknown ONNX layout: no tensor " + name);
        }
        return t;
    }

    private static TensorData floats(String source, TensorProto t) {
        if (t.getDataType() != TensorProto.DataType.FLOAT.getNumber()) {
            throw new CheckpointException(source + ": tensor " + t.getName() + " has ONNX data type "
                    + t.getDataType() + "; only float32 bodies are supported");
        }
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long count = TensorData.elementCount(shape);
        float[] values = new float[(int) count];
        if (!t.getRawData().isEmpty()) {
            if (t.getRawData().size() != 4 * count) {
                throw new CheckpointException(source + ": tensor " + t.getName() + " has " + t.getRawData().size()
                        + " bytes of data for shape " + t.getDimsList());
            }
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            raw.asFloatBuffer().get(values);
        } else if (t.getFloatDataCount() == count) {
            for (int i = 0; i < count; i++) {
                values[i] = t.getFloatData(i);
            }
        } else {
            throw new CheckpointException(source + ": tensor " + t.getName() + " has " + t.getFloatDataCount()
                    + " values for shape " + t.getDimsList() + " (external data is not supported)");
        }
        return new TensorData(t.getName(), shape, values);
    }
}
