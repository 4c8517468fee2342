package dev.orca.operator.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NamespaceFairExecutorTest {

    /** A task that says which namespace it is for, as the SDK's task does through its resource id. */
    private record Task(String namespace, String name, List<String> ran) implements Runnable {
        public void run() {
            ran.add(name);
        }
    }

    private static String namespaceOf(Runnable task) {
        return task instanceof Task t ? t.namespace() : null;
    }

    /**
     * Keeps one worker busy (until the returned latch is counted down, or the worker is interrupted) and returns once
     * it is: what is submitted next queues.
     */
    private static CountDownLatch occupy(NamespaceFairExecutor executor) throws InterruptedException {
        var started = new CountDownLatch(1);
        var hold = new CountDownLatch(1);
        executor.execute(() -> {
            started.countDown();
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        return hold;
    }

    /** One worker kept busy while the tasks queue, so the order they are taken in is the executor's alone. */
    private static List<String> order(List<Task> tasks) throws InterruptedException {
        var executor = new NamespaceFairExecutor(1, "test", NamespaceFairExecutorTest::namespaceOf);
        var hold = occupy(executor);
        tasks.forEach(executor::execute);
        hold.countDown();
        executor.shutdown();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        return tasks.isEmpty() ? List.of() : tasks.get(0).ran();
    }

    @Test
    void whatWaitsIsWhatToQueueKeepsUnderTheOriginalsNamespace() throws InterruptedException {
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        // Keeps a lighter task in place of each one, as the reconciler's executor drops a task's primary.
        var executor = new NamespaceFairExecutor(1, "test", NamespaceFairExecutorTest::namespaceOf,
                task -> task instanceof Task t ? new Task("ignored", t.name() + "-light", t.ran()) : task);
        var hold = occupy(executor);
        for (int i = 0; i < 3; i++) executor.execute(new Task("busy", "busy-" + i, ran));
        executor.execute(new Task("quiet", "quiet-0", ran));
        assertEquals(Map.of("busy", 3, "quiet", 1), executor.queuedPerKey(), "keyed by the task as submitted");
        hold.countDown();
        executor.shutdown();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(List.of("busy-0-light", "quiet-0-light", "busy-1-light", "busy-2-light"), ran);
    }

    @Test
    void aQuietNamespaceIsServedNextNotBehindABurst() throws InterruptedException {
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 200; i++) tasks.add(new Task("hostile", "hostile-" + i, ran));
        tasks.add(new Task("quiet", "quiet-0", ran));
        List<String> order = order(tasks);
        // Arrival order would run it 201st; round-robin runs it right after the burst's first.
        assertEquals(List.of("hostile-0", "quiet-0", "hostile-1"), order.subList(0, 3));
        assertEquals(201, order.size());
    }

    @Test
    void namespacesTakeTurnsAndEachKeepsItsOwnOrder() throws InterruptedException {
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) tasks.add(new Task("a", "a" + i, ran));
        for (int i = 0; i < 2; i++) tasks.add(new Task("b", "b" + i, ran));
        tasks.add(new Task(null, "unknown0", ran)); // no namespace: one shared turn
        assertEquals(List.of("a0", "b0", "unknown0", "a1", "b1", "a2"), order(tasks));
    }

    @Test
    void startedTasksAreCountedPerNamespace() throws InterruptedException {
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        var executor = new NamespaceFairExecutor(2, "test", NamespaceFairExecutorTest::namespaceOf);
        for (int i = 0; i < 5; i++) executor.execute(new Task("a", "a" + i, ran));
        executor.execute(new Task("b", "b", ran));
        executor.shutdown();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(Map.of("a", 5L, "b", 1L), executor.startedPerKey());
    }

    @Test
    void shutdownRunsWhatIsQueuedThenRefusesMore() throws InterruptedException {
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        var executor = new NamespaceFairExecutor(2, "test", NamespaceFairExecutorTest::namespaceOf);
        for (int i = 0; i < 50; i++) executor.execute(new Task("ns" + (i % 3), "t" + i, ran));
        executor.shutdown();
        assertThrows(RejectedExecutionException.class, () -> executor.execute(new Task("late", "late", ran)));
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(executor.isTerminated());
        assertEquals(50, ran.size());
    }

    @Test
    void shutdownNowReturnsTheTasksNeverStarted() throws InterruptedException {
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        var executor = new NamespaceFairExecutor(1, "test", NamespaceFairExecutorTest::namespaceOf);
        occupy(executor); // shutdownNow interrupts it
        for (int i = 0; i < 4; i++) executor.execute(new Task(i % 2 == 0 ? "a" : "b", "t" + i, ran));
        List<Runnable> never = executor.shutdownNow();
        assertEquals(4, never.size());
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(ran.isEmpty());
    }

    @Test
    void aFailingTaskDoesNotStopTheWorker() throws InterruptedException {
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        var executor = new NamespaceFairExecutor(1, "test", NamespaceFairExecutorTest::namespaceOf);
        Thread.UncaughtExceptionHandler quiet = (t, e) -> ran.add("reported " + e.getMessage());
        executor.execute(() -> Thread.currentThread().setUncaughtExceptionHandler(quiet));
        executor.execute(() -> { throw new IllegalStateException("boom"); });
        executor.execute(new Task(null, "after", ran)); // the same (unknown) namespace: in order
        executor.shutdown();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(List.of("reported boom", "after"), ran);
        assertFalse(executor.startedPerKey().isEmpty());
    }
}
