package dev.orca.operator.fairness;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A fixed pool of workers that takes tasks round-robin across keys (the reconciler's: namespaces), first in first out
 * within a key: with a thousand tasks queued for one key and one for another, the other's runs next, not a thousand
 * tasks later. A plain {@link java.util.concurrent.ThreadPoolExecutor} would take them in arrival order, so one
 * tenant's burst of experiments (or their informers' resync) would hold every other namespace's reconciling behind it.
 *
 * <p>Written here rather than taken from a library: neither the JDK nor Guava nor the SDK has a per-key fair queue,
 * and a {@code BlockingQueue} under a {@code ThreadPoolExecutor} would have to implement the whole queue contract
 * (drainTo, iterators, capacity) for the two operations a worker needs.
 */
public final class NamespaceFairExecutor extends AbstractExecutorService {
    private final Function<Runnable, String> keyOf;
    private final UnaryOperator<Runnable> toQueue;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workAvailable = lock.newCondition();
    private final Condition terminated = lock.newCondition();
    /** Keys with queued tasks, in the order they are served; a key appears at most once. */
    private final ArrayDeque<String> turns = new ArrayDeque<>();
    private final Map<String, ArrayDeque<Runnable>> queued = new HashMap<>();
    private final Map<String, Long> started = new HashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private int running; // workers still alive
    private boolean shutdown;

    public NamespaceFairExecutor(int threads, String threadPrefix, Function<Runnable, String> keyOf) {
        this(threads, threadPrefix, keyOf, UnaryOperator.identity());
    }

    /** {@code toQueue} gives what to keep of a task while it waits (the reconciler's: the task without its primary). */
    public NamespaceFairExecutor(int threads, String threadPrefix, Function<Runnable, String> keyOf,
            UnaryOperator<Runnable> toQueue) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        this.keyOf = Objects.requireNonNull(keyOf);
        this.toQueue = Objects.requireNonNull(toQueue);
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(this::work, threadPrefix + "-" + i);
            workers.add(worker);
        }
        running = threads;
        workers.forEach(Thread::start);
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task);
        String key = Objects.requireNonNullElse(keyOf.apply(task), "");
        task = toQueue.apply(task);
        lock.lock();
        try {
            if (shutdown) throw new RejectedExecutionException("executor is shut down");
            ArrayDeque<Runnable> tasks = queued.computeIfAbsent(key, k -> new ArrayDeque<>());
            if (tasks.isEmpty()) turns.addLast(key);
            tasks.addLast(task);
            workAvailable.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Tasks queued and not yet started, per key (for tests and diagnostics). */
    public Map<String, Integer> queuedPerKey() {
        lock.lock();
        try {
            Map<String, Integer> counts = new HashMap<>();
            queued.forEach((key, tasks) -> counts.put(key, tasks.size()));
            return counts;
        } finally {
            lock.unlock();
        }
    }

    /** Tasks started so far, per key. */
    public Map<String, Long> startedPerKey() {
        lock.lock();
        try {
            return Map.copyOf(started);
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        try {
            while (true) {
                Runnable task = next();
                if (task == null) return;
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    // As ThreadPoolExecutor would let the thread die and replace it: report and go on with the next.
                    Thread t = Thread.currentThread();
                    t.getUncaughtExceptionHandler().uncaughtException(t, e);
                    if (e instanceof VirtualMachineError) throw e;
                }
            }
        } finally {
            lock.lock();
            try {
                if (--running == 0) terminated.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** The next task in turn, waiting for one; null once shut down with nothing left. */
    private Runnable next() {
        lock.lock();
        try {
            while (turns.isEmpty()) {
                if (shutdown) return null;
                workAvailable.awaitUninterruptibly();
            }
            String key = turns.pollFirst();
            ArrayDeque<Runnable> tasks = queued.get(key);
            Runnable task = tasks.pollFirst();
            if (tasks.isEmpty()) queued.remove(key);
            else turns.addLast(key);
            started.merge(key, 1L, Long::sum);
            return task;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void shutdown() {
        lock.lock();
        try {
            shutdown = true;
            workAvailable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> never = new ArrayList<>();
        lock.lock();
        try {
            shutdown = true;
            for (String key : turns) never.addAll(queued.get(key));
            turns.clear();
            queued.clear();
            workAvailable.signalAll();
        } finally {
            lock.unlock();
        }
        workers.forEach(Thread::interrupt);
        return never;
    }

    @Override
    public boolean isShutdown() {
        lock.lock();
        try {
            return shutdown;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isTerminated() {
        lock.lock();
        try {
            return shutdown && running == 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (!(shutdown && running == 0)) {
                if (nanos <= 0) return false;
                nanos = terminated.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
