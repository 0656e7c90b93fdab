package org.contrast4j.tiled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;

/**
 * The shared worker pool: every worker index runs once per step, failures reach the caller, no thread is started per
 * call or per engine, concurrent and nested steps complete, and results do not depend on which thread ran a worker.
 */
class WorkersTest {

    /** Whether a pool thread is running a step rather than waiting for one. */
    static boolean busy(Thread t) {
        Thread.State s = t.getState();
        return t.isAlive() && s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING;
    }

    @Test
    void everyWorkerRunsExactlyOncePerStep() {
        for (int threads : new int[] {1, 2, 3, 8}) {
            Workers pool = new Workers(threads);
            for (int rep = 0; rep < 50; rep++) {
                AtomicIntegerArray runs = new AtomicIntegerArray(threads);
                pool.run(runs::incrementAndGet);
                for (int w = 0; w < threads; w++) {
                    assertEquals(1, runs.get(w), threads + " threads, worker " + w);
                }
            }
        }
    }

    @Test
    void aWorkersFailureReachesTheCallerAsItWasAndCancelsTheOthers() {
        IllegalStateException boom = new IllegalStateException("worker 1 failed");
        Workers pool = new Workers(3);
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> pool.run(w -> {
            if (w == 1) {
                throw boom;
            }
            // the others wait for the failure to show at a checkpoint, which stops them
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline) {
                pool.checkpoint();
                Thread.onSpinWait();
            }
        }));
        assertSame(boom, thrown);
        // an Error too, and a failure in the caller's own worker
        AssertionError error = new AssertionError("worker 2");
        assertSame(error, assertThrows(AssertionError.class, () -> new Workers(3).run(w -> {
            if (w == 2) {
                throw error;
            }
        })));
        IllegalArgumentException own = new IllegalArgumentException("worker 0");
        assertSame(own, assertThrows(IllegalArgumentException.class, () -> new Workers(2).run(w -> {
            if (w == 0) {
                throw own;
            }
        })));
        // the pool still works after failures
        AtomicIntegerArray runs = new AtomicIntegerArray(3);
        new Workers(3).run(runs::incrementAndGet);
        assertEquals("[1, 1, 1]", runs.toString());
    }

    /** Many engines and calls start no thread beyond the pool's, which is as large as the largest step needs. */
    @Test
    void manyEnginesAndCallsStartNoThreads() {
        SplittableRandom rnd = new SplittableRandom(9);
        Matrix a = TiledInfoNceTest.unitRows(rnd, 200, 8);
        Matrix b = TiledInfoNceTest.unitRows(rnd, 200, 8);
        new TiledInfoNce(3, 32, 32).compute(a, b, 10, true, null, 0.005);   // the pool has ≥ 2 threads now
        int started = Workers.threadsStarted();
        for (int k = 0; k < 200; k++) {
            TiledInfoNce engine = k % 2 == 0 ? new TiledInfoNce(3, 32, 32) : TiledInfoNce.storedLogits(3);
            engine.compute(a, b, 10, k % 3 == 0, null, 0.005);
        }
        // threads end after 30 idle seconds; a slow machine may pause that long between two calls, rarely twice
        assertTrue(Workers.threadsStarted() - started <= 2, "threads started during 200 computations: "
                + (Workers.threadsStarted() - started));
        assertTrue(Workers.poolThreads() <= Workers.MAX_POOL_THREADS);
        long named = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(Workers.THREAD_NAME)).count();
        assertTrue(named <= Workers.MAX_POOL_THREADS, named + " pool threads");
    }

    /** Callers in several threads at once share the pool; each gets the bits it gets alone. */
    @Test
    void concurrentCallersGetTheirSequentialResults() throws Exception {
        SplittableRandom rnd = new SplittableRandom(10);
        int n = 150;
        List<Matrix[]> inputs = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            inputs.add(new Matrix[] {TiledInfoNceTest.unitRows(rnd, n, 12), TiledInfoNceTest.unitRows(rnd, n, 12)});
        }
        TiledInfoNce[] engines = {new TiledInfoNce(2, 32, 40), TiledInfoNce.storedLogits(3)};
        List<TiledInfoNce.Result> alone = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            Matrix[] in = inputs.get(k % 4);
            alone.add(engines[k % 2].compute(in[0], in[1], 10, k % 4 < 2, null, 1.0 / n));
        }
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 5; round++) {
                List<Future<TiledInfoNce.Result>> futures = new ArrayList<>();
                for (int k = 0; k < 8; k++) {
                    int kk = k;
                    Matrix[] in = inputs.get(k % 4);
                    futures.add(callers.submit(() -> engines[kk % 2].compute(in[0], in[1], 10, kk % 4 < 2, null,
                            1.0 / n)));
                }
                for (int k = 0; k < 8; k++) {
                    TiledInfoNce.Result r = futures.get(k).get();
                    assertArrayEquals(alone.get(k).forward(), r.forward(), "round " + round + " call " + k);
                    assertArrayEquals(alone.get(k).reverse(), r.reverse(), "round " + round + " call " + k);
                    assertArrayEquals(alone.get(k).gradA().data(), r.gradA().data(), "round " + round + " call " + k);
                    assertArrayEquals(alone.get(k).gradB().data(), r.gradB().data(), "round " + round + " call " + k);
                    assertEquals(alone.get(k).gradDotLogit(), r.gradDotLogit(), "round " + round + " call " + k);
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }

    /** A worker that runs a step of its own (every pool thread busy) completes: the callers run what is unclaimed. */
    @Test
    void nestedStepsComplete() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            AtomicIntegerArray inner = new AtomicIntegerArray(4 * 3);
            new Workers(4).run(w -> new Workers(3).run(v -> inner.incrementAndGet(w * 3 + v)));
            for (int k = 0; k < 12; k++) {
                assertEquals(1, inner.get(k), "inner worker " + k);
            }
        });
    }

    @Test
    void anInterruptedCallerIsCancelledBeforeAnyWork() {
        Workers pool = new Workers(2);
        Thread.currentThread().interrupt();
        try {
            AtomicIntegerArray runs = new AtomicIntegerArray(2);
            assertThrows(CancellationException.class, () -> pool.run(runs::incrementAndGet));
            assertEquals("[0, 0]", runs.toString());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }
}
