package dev.orca.trainer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orca.trainer.nd.Half;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (8-byte little-endian header length, a JSON header, raw little-endian data).
 *
 * <p>Written here rather than taken from a library: no maintained JVM reader of the format exists on
 * Maven Central, and the format is a page long. Every offset is checked against the file before it is
 * read, so a truncated or inconsistent file is an exception naming the tensor, never a crash.
 */
public final class Safetensors {
    private Safetensors() {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    /** Reads every tensor, converting F16, BF16 and F64 to float. */
    public static Map<String, TensorData> read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new CheckpointException(file + ": too short for a safetensors file (" + size + " bytes)");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
                throw new CheckpointException(file + ": header length " + headerLength
                        + " does not fit the file of " + size + " bytes (truncated or not safetensors)");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8);
            JsonNode root;
            try {
                root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new CheckpointException(file + ": header is not valid JSON: " + e.getOriginalMessage(), e);
            }
            if (!root.isObject()) {
                throw new CheckpointException(file + ": header is a JSON " + root.getNodeType() + ", not an object of tensors");
            }
            long dataStart = 8 + headerLength;
            long dataLength = size - dataStart;
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (entry.getKey().equals("__metadata__")) {
                    continue;
                }
                tensors.put(entry.getKey(), readTensor(file, channel, entry.getKey(), entry.getValue(), dataStart, dataLength));
            }
            return tensors;
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file + ": no such file", e);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static TensorData readTensor(Path file, FileChannel channel, String name, JsonNode info,
                                         long dataStart, long dataLength) throws IOException {
        String dtype = info.path("dtype").asText("");
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            case "F64" -> 8;
            default -> throw new CheckpointException(file + ": tensor " + name + " has unsupported dtype '" + dtype
                    + "' (F32, F16, BF16, F64 are supported)");
        };
        JsonNode shapeNode = info.path("shape");
        JsonNode offsets = info.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new CheckpointException(file + ": tensor " + name + " lacks shape or data_offsets");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw new CheckpointException(file + ": tensor " + name + " has an invalid shape " + shapeNode);
            }
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        long count;
        try {
            count = TensorData.elementCount(shape);
        } catch (ArithmeticException e) {
            count = -1; // overflows a long: refused just below
        }
        if (count < 0 || count > Integer.MAX_VALUE) {
            throw new CheckpointException(file + ": tensor " + name + " is too large for one array: shape " + shapeNode);
        }
        try {
            dev.orca.trainer.data.DataLimits.fits(file + ": tensor " + name, count * 4 + count * width, "shape " + shapeNode);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(e.getMessage(), e);
        }
        if (begin < 0 || end < begin || end - begin != count * width) {
            throw new CheckpointException(file + ": tensor " + name + " has data_offsets [" + begin + ", " + end
                    + "] but shape " + shapeNode + " of " + dtype + " needs " + count * width + " bytes");
        }
        if (end > dataLength) {
            throw new CheckpointException(file + ": tensor " + name + " ends at byte " + end + " of the data section but the file has "
                    + dataLength + " data bytes (truncated?)");
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, bytes, dataStart + begin);
        bytes.flip();
        float[] values = new float[(int) count];
        switch (dtype) {
            case "F32" -> bytes.asFloatBuffer().get(values);
            case "F64" -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) bytes.getDouble();
                }
            }
            case "F16" -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Half.toFloat(bytes.getShort());
                }
            }
            default -> {
                for (int i = 0; i < values.length; i++) {
                    values[i] = Float.intBitsToFloat((bytes.getShort() & 0xffff) << 16);
                }
            }
        }
        try {
            dev.orca.trainer.data.DataLimits.finite(file + ": tensor " + name, values);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(e.getMessage(), e);
        }
        return new TensorData(name, shape, values);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    /** Writes float32 tensors in the given order, with optional string metadata. */
    public static void write(Path file, List<TensorData> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (TensorData t : tensors) {
            ObjectNode node = header.putObject(t.name());
            node.put("dtype", "F32");
            var shape = node.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long bytes = 4L * t.values().length;
            node.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // the format aligns the data section to 8 bytes with spaces
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.hasRemaining()) {
                head.put((byte) ' ');
            }
            channel.write(head.flip());
            for (TensorData t : tensors) {
                ByteBuffer data = ByteBuffer.allocate(4 * t.values().length).order(ByteOrder.LITTLE_ENDIAN);
                data.asFloatBuffer().put(t.values());
                channel.write(data);
            }
        } catch (IOException e) {
            // A failed write is the storage's (full, gone), never the checkpoint's: retryable, not invalid input.
            throw new java.io.UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
    }
}
