package dev.orca.operator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusWriterTest {
    private static ConfigMap at(String resourceVersion) {
        return new ConfigMapBuilder().withNewMetadata().withName("x").withNamespace("ml").withResourceVersion(resourceVersion).endMetadata().build();
    }

    /** A write the informer has not delivered yet must be cached for the next reconcile; one it has, must not linger. */
    @Test
    void aWriteIsCachedOnlyUntilTheInformerHasSeenIt() {
        assertFalse(StatusWriter.seen(Optional.empty(), at("12")), "not in the informer at all");
        assertFalse(StatusWriter.seen(Optional.of(at("11")), at("12")), "the informer still has the version before the write");
        assertTrue(StatusWriter.seen(Optional.of(at("12")), at("12")), "the write's own event came first");
        assertTrue(StatusWriter.seen(Optional.of(at("100")), at("99")), "compared as numbers, not as text");
        assertFalse(StatusWriter.seen(Optional.of(at("opaque-a")), at("opaque-b")), "not comparable: cached, at the cost of an entry");
    }
}
