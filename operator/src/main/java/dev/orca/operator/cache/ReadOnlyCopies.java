package dev.orca.operator.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.function.UnaryOperator;

/**
 * An informer's store that keeps each object without the parts the operator never reads, as controller-runtime's
 * {@code TransformStripManagedFields} does: {@code managedFields} (server-side apply's bookkeeping, often as large as
 * the object) and whatever else {@code prune} drops. Only for objects the operator reads and never applies as a
 * dependent: the SDK's server-side-apply matcher compares a dependent's managedFields, so those informers keep them.
 */
public class ReadOnlyCopies<R extends HasMetadata> extends BasicItemStore<R> {
    private final UnaryOperator<R> prune;

    protected ReadOnlyCopies(UnaryOperator<R> prune) {
        super(Cache::metaNamespaceKeyFunc);
        this.prune = prune;
    }

    @Override
    public R put(String key, R object) {
        object.getMetadata().setManagedFields(null);
        return super.put(key, prune.apply(object));
    }
}
