package dev.orca.trainer.nd;

import ai.djl.pytorch.engine.PtSymbolBlock;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TorchScriptArchive} module that libtorch compiles on first use, once per process; empty, with one warning,
 * where it cannot be (an engine other than PyTorch, a libtorch without the operators it calls), so that its callers
 * fall back to DJL's own ops.
 */
final class CompiledModule {
    private static final Logger LOG = LoggerFactory.getLogger(CompiledModule.class);

    private final String className;
    private final String methods;
    private final String fallback;
    private volatile Optional<PtSymbolBlock> module;

    /** {@code fallback}: what runs instead, for the warning. */
    CompiledModule(String className, String methods, String fallback) {
        this.className = className;
        this.methods = methods;
        this.fallback = fallback;
    }

    Optional<PtSymbolBlock> get() {
        Optional<PtSymbolBlock> m = module;
        if (m != null) return m;
        synchronized (this) {
            if (module == null) module = compile();
            return module;
        }
    }

    private Optional<PtSymbolBlock> compile() {
        try {
            Optional<PtSymbolBlock> compiled = TorchScriptArchive.compile(className, methods);
            if (compiled.isEmpty()) LOG.warn("{} needs the PyTorch engine; {}", className, fallback);
            return compiled;
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} is not available ({}); {}", className, e.toString(), fallback);
            return Optional.empty();
        }
    }
}
