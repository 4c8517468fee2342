package dev.orca.trainer.nd;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript archive (what {@code torch.jit.save} writes and {@code torch::jit::load} reads) for one module class with
 * no parameters, buffers or tensors: its methods' TorchScript source and the pickled module object, nothing else. It lets
 * the trainer call libtorch operators that DJL's JNI does not bind, such as the fused optimizer kernels, without Python:
 * libtorch compiles the source when the archive is loaded.
 *
 * <p>The layout is the one PyTorch documents for its serialization ({@code torch/csrc/jit/docs/serialization.md}): a zip
 * whose entries share one top-level folder, holding {@code code/__torch__.py} (the class), {@code data.pkl} (the module
 * object: pickle protocol 2, its class by qualified name and its attributes as a dict), {@code constants.pkl} (an empty
 * tuple: the source has no tensor constants) and {@code version}. Entries are stored, not deflated.
 */
public final class TorchScriptArchive {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** The archive format version written: one libtorch 2.x reads (it accepts 1 to 10) and needs no upgraders for. */
    static final String FORMAT_VERSION = "8";

    private TorchScriptArchive() {}

    /**
     * An archive of module class {@code className} (its qualified name is {@code __torch__.<className>}) whose body is
     * {@code methods}: TorchScript method definitions indented by four spaces, each {@code self} annotated as
     * {@code __torch__.<className>}.
     */
    public static byte[] module(String className, String methods) {
        if (!NAME.matcher(className).matches()) throw new IllegalArgumentException("not a class name: " + className);
        String code = "class " + className + "(Module):\n"
                + "    __parameters__ = []\n"
                + "    __buffers__ = []\n"
                + "    training : bool\n"
                + methods;
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("data.pkl", moduleObject(className));
        records.put("code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
        records.put("constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
        records.put("version", (FORMAT_VERSION + "\n").getBytes(StandardCharsets.US_ASCII));
        return zip("orca_" + className.toLowerCase(java.util.Locale.ROOT), records);
    }

    /**
     * {@link #module}'s archive compiled by libtorch, owned by the engine's system manager (the module holds no tensors and
     * lives as long as the process); empty on an engine other than PyTorch. A libtorch that cannot compile the source
     * (an operator it lacks) throws.
     */
    public static Optional<PtSymbolBlock> compile(String className, String methods) throws IOException {
        byte[] archive = module(className, methods);
        try (NDManager scratch = NDManager.newBaseManager()) {
            if (!(scratch instanceof PtNDManager pt)) return Optional.empty();
            PtNDManager system = (PtNDManager) pt.getParentManager();
            return Optional.of(JniUtils.loadModule(system, new ByteArrayInputStream(archive), false, false));
        }
    }

    /** The module object as the TorchScript pickler writes it: its class, an empty argument tuple, NEWOBJ, its state. */
    static byte[] moduleObject(String className) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80); // PROTO 2
        out.write(2);
        out.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII)); // GLOBAL
        out.write(')'); // EMPTY_TUPLE
        out.write(0x81); // NEWOBJ
        out.write('}'); // EMPTY_DICT: the object's attributes
        out.write('('); // MARK
        unicode(out, "training");
        out.write(0x89); // NEWFALSE
        out.write('u'); // SETITEMS
        out.write('b'); // BUILD
        out.write('.'); // STOP
        return out.toByteArray();
    }

    private static void unicode(ByteArrayOutputStream out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.write('X'); // BINUNICODE: a 4-byte little-endian length, then UTF-8
        for (int i = 0; i < 4; i++) out.write((utf8.length >>> (8 * i)) & 0xff);
        out.writeBytes(utf8);
    }

    private static byte[] zip(String folder, Map<String, byte[]> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var record : records.entrySet()) {
                ZipEntry entry = new ZipEntry(folder + "/" + record.getKey());
                byte[] data = record.getValue();
                CRC32 crc = new CRC32();
                crc.update(data);
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(data.length);
                entry.setCompressedSize(data.length);
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(data);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // in memory: cannot happen
        }
        return bytes.toByteArray();
    }
}
