package dev.orca.trainer.progress;

/** Receives progress events; implementations must not throw on a failed write (progress is advisory). */
public interface ProgressSink extends AutoCloseable {

    void accept(ProgressEvent event);

    @Override
    default void close() {}
}
