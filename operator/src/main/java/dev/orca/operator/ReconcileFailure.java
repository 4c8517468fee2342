package dev.orca.operator;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failed reconcile in words for a tenant's Events: the cause's kind and the API server's own message, never a stack
 * trace or the API server's address (JOSDK's aggregated exception carries both). A 409 on an object the experiment
 * would own is a name collision: someone else's object holds the name.
 */
record ReconcileFailure(String reason, String message) {
    static final String NAME_COLLISION = "NameCollision";
    static final int MAX_MESSAGE_CHARS = 512;
    private static final Pattern REQUEST = Pattern.compile("Failure executing: \\w+ at: \\S+\\.\\s*");
    private static final Pattern OBJECT = Pattern.compile("(\\w+)\\.?[\\w.]* \"([^\"]+)\" already exists");

    static ReconcileFailure of(Throwable error) {
        List<KubernetesClientException> api = new ArrayList<>();
        collect(error, api, new LinkedHashSet<>());
        for (KubernetesClientException e : api) {
            if (e.getCode() == 409) {
                String text = text(e);
                Matcher m = OBJECT.matcher(text);
                String object = m.find() ? m.group(1) + "/" + m.group(2) : "an object it would own";
                return new ReconcileFailure(NAME_COLLISION, clip(object + " already exists and is not this experiment's: rename the"
                        + " experiment or remove that object (HTTP 409)"));
            }
        }
        if (!api.isEmpty()) {
            KubernetesClientException e = api.get(0);
            return new ReconcileFailure("ApiError", clip("HTTP " + e.getCode() + ": " + text(e)));
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage().lines().findFirst().orElse("");
        return new ReconcileFailure("ReconcileError", clip(root.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message)));
    }

    /** The API server's status message, without the request line (verb and URL) Fabric8 puts before it. */
    private static String text(KubernetesClientException e) {
        String status = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
        String line = status == null ? "" : status.lines().findFirst().orElse("");
        return REQUEST.matcher(line).replaceAll("").replaceAll("https?://\\S+", "<api-server>");
    }

    private static void collect(Throwable t, List<KubernetesClientException> out, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return;
        }
        if (t instanceof KubernetesClientException k) {
            out.add(k);
        }
        if (t instanceof io.javaoperatorsdk.operator.AggregatedOperatorException a) {
            a.getAggregatedExceptions().values().forEach(c -> collect(c, out, seen));
        }
        for (Throwable s : t.getSuppressed()) {
            collect(s, out, seen);
        }
        collect(t.getCause(), out, seen);
    }

    private static String clip(String s) {
        return s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS);
    }
}
