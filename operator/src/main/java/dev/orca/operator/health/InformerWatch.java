package dev.orca.operator.health;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which informers have been blind for too long: not running, or running without a watch, continuously for at least the
 * grace period. A watch that drops and comes back within it (an API server restart, a network blip) is normal; one that
 * stays down (its RBAC gone, a cache that stopped on an error) only comes back with a new process, which is what a
 * failed liveness probe gives. Remembers since when each informer has been blind; everything else is the caller's.
 */
public final class InformerWatch {
    /** One informer as its event source reports it: {@code name} is the event source and the namespace it watches. */
    public record Informer(String name, boolean running, boolean watching) {
        boolean blind() {
            return !running || !watching;
        }
    }

    private final Duration grace;
    private final Map<String, Instant> blindSince = new HashMap<>();

    public InformerWatch(Duration grace) {
        this.grace = grace;
    }

    /** The informers blind for at least the grace period at {@code now}, with since when; empty when all is well. */
    public synchronized Map<String, Instant> overdue(List<Informer> informers, Instant now) {
        Set<String> blind = informers.stream().filter(Informer::blind).map(Informer::name).collect(Collectors.toSet());
        blindSince.keySet().retainAll(blind);
        blind.forEach(name -> blindSince.putIfAbsent(name, now));
        Map<String, Instant> out = new TreeMap<>();
        blindSince.forEach((name, since) -> {
            if (!since.plus(grace).isAfter(now)) {
                out.put(name, since);
            }
        });
        return out;
    }
}
