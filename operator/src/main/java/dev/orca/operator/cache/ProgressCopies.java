package dev.orca.operator.cache;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.function.UnaryOperator;

/**
 * The progress ConfigMaps' informer: their data is what the trainers report and is read, their managedFields (the
 * trainers' and the operator's bookkeeping) are not; they are created once and never compared ({@code PerWriter}).
 */
public class ProgressCopies extends ReadOnlyCopies<ConfigMap> {
    public ProgressCopies() {
        super(ConfigMap.class, UnaryOperator.identity());
    }

    /** A new ConfigMap with {@code map}'s metadata (without managedFields) and data; {@code map} is not changed. */
    public static ConfigMap withoutManagedFields(ConfigMap map) {
        ConfigMap kept = MetadataCopies.metadataOnly(map, ConfigMap::new);
        kept.setData(map.getData());
        kept.setBinaryData(map.getBinaryData());
        kept.setImmutable(map.getImmutable());
        return kept;
    }
}
