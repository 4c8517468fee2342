package dev.orca.operator.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * An informer's store that keeps each object without the parts the operator never reads, as controller-runtime's
 * {@code TransformStripManagedFields} does: {@code managedFields} (server-side apply's bookkeeping, often as large as
 * the object) and whatever else {@code prune} drops. Only for objects the SDK's server-side-apply matcher never
 * compares (it reads a dependent's managedFields): those the operator only reads, creates once, or compares itself
 * ({@code dependent.DesiredStateHash}, a Job's suspension).
 *
 * <p>Each object is kept as its JSON, deflated against a preset dictionary, decoded when read. The dictionary is the first
 * object the store was given: the objects of one informer share their keys, labels, owner and namespace and differ in a
 * name, a uid and a few values, and deflate finds those shared strings in the dictionary rather than in the object
 * itself, which at a few hundred bytes gives it too little history to find them in (ReadOnlyCopiesTest: a Role's 547
 * bytes of metadata kept in 72). As a Java object graph a Kubernetes object costs several times
 * its JSON (every nested object has its own map of unknown properties, every string its own header): at 1000
 * experiments the pruned objects still took about 40 KiB of heap per experiment, which put 10 000 experiments out of
 * reach of the operator's heap. The price is a decode per read: a reconcile reads its own experiment's few objects,
 * and the whole store is decoded only when an informer (re)lists ({@link #values}). Reads return a fresh copy, so no
 * caller can change what the cache holds. Written here rather than taken from a library: fabric8's
 * {@code BasicItemStore}, the only store it ships, keeps object graphs.
 */
public class ReadOnlyCopies<R extends HasMetadata> implements ItemStore<R> {
    /**
     * The page size of every informer's list (each informer's {@code informerListLimit}): the stores take a list a page
     * at a time. Unpaged, the API server answers a list with every object at once, decoded whole before any is stored:
     * a replica starting at 10 000 experiments died of OutOfMemoryError in a 192 MiB heap, in which the leader, holding
     * the same objects, ran on (bench/run operator-scale 10000). Pages of 500 were still too much for the chart's 128 MiB
     * heap: a replica starting at 10 000 lists ten kinds at once, each page decoded whole (Jobs and Pods with their pod
     * specs), and restarted replicas died of OutOfMemoryError in their first list five times in one run. A page of 100
     * keeps that to a fifth, for five times the list requests (100 per kind at 10 000).
     */
    public static final long LIST_PAGE = 100;
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private final Class<R> type;
    private final UnaryOperator<R> prune;
    private final Map<String, byte[]> items;
    /** Set by the first put, then never changed: every entry was deflated against it. */
    private volatile byte[] dictionary;

    protected ReadOnlyCopies(Class<R> type, UnaryOperator<R> prune) {
        this(type, prune, new ConcurrentHashMap<>());
    }

    /** {@code items}: the map the entries are kept in, by key (a subclass that looks keys up by prefix sorts them). */
    protected ReadOnlyCopies(Class<R> type, UnaryOperator<R> prune, Map<String, byte[]> items) {
        this.type = type;
        this.prune = prune;
        this.items = items;
    }

    @Override
    public String getKey(R object) {
        return Cache.metaNamespaceKeyFunc(object);
    }

    @Override
    public R put(String key, R object) {
        object.getMetadata().setManagedFields(null);
        byte[] json = JSON.asJson(prune.apply(object)).getBytes(StandardCharsets.UTF_8);
        byte[] previous = items.put(key, encode(json, dictionaryFrom(json)));
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

    /**
     * Held while a store decodes all its entries ({@link #values}): one store at a time in the process. fabric8 lists a
     * whole store when an informer (re)lists ({@code ProcessorStore.retainAll} calls {@code Cache.list()}), and the SDK
     * does when it starts an informer (to fill its index); every informer does so at once after an API-server restart
     * or on a replica's start, and ten stores of 10 000 decoded objects (2 KiB and more each) at the same time do not
     * fit the chart's heap. Decoded one store after another, the lists overlap only while their callers walk them.
     */
    static final Object WHOLE_STORE_DECODE = new Object();

    @Override
    public Stream<R> values() {
        List<R> decoded;
        synchronized (WHOLE_STORE_DECODE) {
            decoded = items.values().stream().map(this::decode).toList();
        }
        return decoded.stream();
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public R get(String key) {
        return decode(items.get(key));
    }

    /** What an entry costs in the store (its deflated bytes), or -1 if absent. */
    int storedBytes(String key) {
        byte[] b = items.get(key);
        return b == null ? -1 : b.length;
    }

    /** zlib reads at most the last 32 KiB of a dictionary. */
    private static final int DICTIONARY_BYTES = 32 * 1024;

    private byte[] dictionaryFrom(byte[] firstJson) {
        byte[] d = dictionary;
        if (d != null) return d;
        synchronized (this) {
            if (dictionary == null) {
                dictionary = java.util.Arrays.copyOfRange(firstJson, Math.max(0, firstJson.length - DICTIONARY_BYTES), firstJson.length);
            }
            return dictionary;
        }
    }

    /** Raw deflate (no zlib header or checksum: the bytes never leave this process). */
    private static byte[] encode(byte[] json, byte[] dictionary) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setDictionary(dictionary);
            deflater.setInput(json);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, json.length / 4));
            byte[] buffer = new byte[Math.max(256, json.length)];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private R decode(byte[] deflated) {
        if (deflated == null) return null;
        Inflater inflater = new Inflater(true);
        try {
            inflater.setDictionary(dictionary);
            inflater.setInput(deflated);
            ByteArrayOutputStream out = new ByteArrayOutputStream(deflated.length * 6);
            byte[] buffer = new byte[Math.max(1024, deflated.length * 8)];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalStateException("a cached object's deflated bytes ended early");
                }
                out.write(buffer, 0, n);
            }
            return JSON.unmarshal(out.toString(StandardCharsets.UTF_8), type);
        } catch (DataFormatException e) {
            throw new IllegalStateException("a cached object's deflated bytes are corrupt", e);
        } finally {
            inflater.end();
        }
    }
}
