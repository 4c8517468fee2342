package dev.orca.operator.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * An informer's store that keeps each object without the parts the operator never reads, as controller-runtime's
 * {@code TransformStripManagedFields} does: {@code managedFields} (server-side apply's bookkeeping, often as large as
 * the object) and whatever else {@code prune} drops. Only for objects the SDK's server-side-apply matcher never
 * compares (it reads a dependent's managedFields): those the operator only reads, creates once, or compares itself
 * ({@code dependent.DesiredStateHash}, a Job's suspension).
 *
 * <p>Each object is kept as its JSON, deflated (a Kubernetes object's JSON repeats its keys and label values: about a
 * third of the size at the fastest level), decoded when read. As a Java object graph a Kubernetes object costs several times
 * its JSON (every nested object has its own map of unknown properties, every string its own header): at 1000
 * experiments the pruned objects still took about 40 KiB of heap per experiment, which put 10 000 experiments out of
 * reach of the operator's heap. The price is a decode per read: a reconcile reads its own experiment's few objects,
 * and a whole-cache listing happens only every 30 s ({@code ExperimentMetrics#retainOnlyEvery}). Reads return a fresh
 * copy, so no caller can change what the cache holds. Written here rather than taken from a library: fabric8's
 * {@code BasicItemStore}, the only store it ships, keeps object graphs.
 */
public class ReadOnlyCopies<R extends HasMetadata> implements ItemStore<R> {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private final Class<R> type;
    private final UnaryOperator<R> prune;
    private final Map<String, byte[]> items = new ConcurrentHashMap<>();

    protected ReadOnlyCopies(Class<R> type, UnaryOperator<R> prune) {
        this.type = type;
        this.prune = prune;
    }

    @Override
    public String getKey(R object) {
        return Cache.metaNamespaceKeyFunc(object);
    }

    @Override
    public R put(String key, R object) {
        object.getMetadata().setManagedFields(null);
        byte[] previous = items.put(key, encode(JSON.asJson(prune.apply(object))));
        return decode(previous);
    }

    @Override
    public R remove(String key) {
        return decode(items.remove(key));
    }

    @Override
    public Stream<String> keySet() {
        return items.keySet().stream();
    }

    @Override
    public Stream<R> values() {
        return items.values().stream().map(this::decode);
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public R get(String key) {
        return decode(items.get(key));
    }

    private static byte[] encode(String json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length() / 3);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try (DeflaterOutputStream deflating = new DeflaterOutputStream(out, deflater)) {
            deflating.write(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("deflating into memory cannot fail", e);
        } finally {
            deflater.end();
        }
        return out.toByteArray();
    }

    private R decode(byte[] deflated) {
        if (deflated == null) return null;
        try (InflaterInputStream in = new InflaterInputStream(new java.io.ByteArrayInputStream(deflated))) {
            return JSON.unmarshal(new String(in.readAllBytes(), StandardCharsets.UTF_8), type);
        } catch (IOException e) {
            throw new UncheckedIOException("inflating from memory cannot fail", e);
        }
    }
}
