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
        String hash = sha256(serialization.asJson(desired));
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

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
