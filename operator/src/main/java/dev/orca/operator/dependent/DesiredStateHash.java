package dev.orca.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * Compares a dependent by a hash of what the operator wants of it, stamped on the object as an annotation, instead of
 * by the server-side-apply matcher, which needs each cached object's managedFields and content. With this the
 * informer may keep metadata alone ({@code cache.MetadataCopies}): at ten thousand experiments the spec ConfigMaps
 * (the experiment's YAML, again in managedFields) and NetworkPolicies were a large share of the operator's heap.
 * What this gives up: an edit by someone else that keeps the annotation is not put back, where the SSA matcher would
 * have seen a change to a field the operator owns. A change of what the operator wants changes the hash and is applied,
 * and an object without the annotation (or with another hash) is applied again.
 */
final class DesiredStateHash {
    static final String ANNOTATION = "orca.dev/desired-state-hash";

    private DesiredStateHash() {}

    /** {@code desired} with its hash annotation: the SHA-256 of the object as serialized, before the annotation. */
    static <R extends HasMetadata> R stamp(R desired, KubernetesSerialization serialization) {
        Map<String, String> annotations = desired.getMetadata().getAnnotations() == null ? new HashMap<>()
                : new HashMap<>(desired.getMetadata().getAnnotations());
        annotations.remove(ANNOTATION);
        desired.getMetadata().setAnnotations(annotations.isEmpty() ? null : annotations);
        String hash = sha256(canonicalJson(desired, serialization));
        annotations.put(ANNOTATION, hash);
        desired.getMetadata().setAnnotations(annotations);
        return desired;
    }

    static <R extends HasMetadata> Matcher.Result<R> match(R actual, R desired) {
        return Matcher.Result.computed(Objects.equals(hashOf(actual), hashOf(desired)), desired);
    }

    private static String hashOf(HasMetadata object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(ANNOTATION);
    }

    /**
     * The object's JSON with every object's keys in sorted order. Map.of iterates in an order drawn anew in each JVM, so
     * labels serialized as built gave another replica other hashes for the same objects: a new leader applied every
     * NetworkPolicy and spec ConfigMap its predecessor had made again (bench/run operator-scale with an audit log: 5051 of
     * 10 000 at failover).
     */
    static String canonicalJson(HasMetadata object, KubernetesSerialization serialization) {
        try {
            return CANONICAL.writeValueAsString(CANONICAL.readValue(serialization.asJson(object), Object.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the client's own JSON is JSON", e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper CANONICAL = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
