package org.contrast4j.tiled;

import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.contrast4j.linalg.Kernels;

/**
 * Runs the {@code threads} workers of one parallel step and waits for all of them. Worker 0 runs in the calling
 * thread; workers 1 … threads−1 are claimed by the threads of one pool that every engine of the package shares (daemon
 * threads, started lazily — as many as the largest {@code threads − 1} asked for, at most {@link #MAX_POOL_THREADS} —
 * and ended after {@link #KEEP_ALIVE_SECONDS} idle seconds), so no thread is started per call and creating many
 * engines creates no threads. The work of a worker is fixed by its index alone (engines assign tiles by index and
 * reduce in index order), so which thread runs it never changes a result. When the caller has finished worker 0 it
 * claims the workers no pool thread has started yet and runs them itself: a step completes even while the pool is busy
 * with other callers (or a worker itself runs a step), and a tiny step needs no hand-off at all.
 *
 * <p>Workers call {@link #checkpoint()} between tiles; it throws {@link CancellationException} once the calling
 * thread has been interrupted or another worker has failed, so an interrupt stops the whole step within one tile per
 * worker. The caller's interrupt status is kept. A worker's failure is rethrown to the caller as it was (an unchecked
 * exception or error), or wrapped with it as the cause. While a step runs, every product is single-threaded
 * ({@link Kernels#singleThreadedCalls()}): the workers are the parallelism, and OpenBLAS threads on top of them would
 * oversubscribe the cores (see the linalg package notes).
 */
final class Workers {
    /** The work of worker {@code w} (0 ≤ w &lt; threads). */
    interface Body {
        void run(int worker);
    }

    /** Most pool threads: more workers than this are run by fewer threads (the caller claims the rest). */
    static final int MAX_POOL_THREADS = 256;
    /** Seconds an idle pool thread waits for work before it ends (a new step starts it again). */
    static final long KEEP_ALIVE_SECONDS = 30;
    /** Name prefix of the pool threads. */
    static final String THREAD_NAME = "contrast4j-tiled-";

    private static final AtomicInteger CREATED = new AtomicInteger();
    private static final ThreadPoolExecutor POOL = pool();

    private final int threads;
    private final Thread caller;
    private volatile boolean cancelled;

    Workers(int threads) {
        this.threads = threads;
        this.caller = Thread.currentThread();
    }

    private static ThreadPoolExecutor pool() {
        ThreadPoolExecutor p = new ThreadPoolExecutor(0, MAX_POOL_THREADS, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, THREAD_NAME + CREATED.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        p.allowCoreThreadTimeOut(true);
        return p;
    }

    /** Grows the pool's core size to {@code size} (never shrinks it): the largest step so far keeps its threads. */
    private static void ensurePoolThreads(int size) {
        int want = Math.min(size, MAX_POOL_THREADS);
        if (POOL.getCorePoolSize() < want) {
            synchronized (POOL) {
                if (POOL.getCorePoolSize() < want) {
                    POOL.setCorePoolSize(want);
                }
            }
        }
    }

    /** Threads the shared pool holds now (for tests: it never exceeds the largest step's threads − 1). */
    static int poolThreads() {
        return POOL.getPoolSize();
    }

    /** Pool threads started since the class was loaded (for tests: none per call). */
    static int threadsStarted() {
        return CREATED.get();
    }

    /** Throws {@link CancellationException} if the computation was interrupted or a worker failed. */
    void checkpoint() {
        if (cancelled || caller.isInterrupted()) {
            cancelled = true;
            throw new CancellationException("the tiled computation was interrupted");
        }
    }

    /**
     * Runs body(0 … threads−1) and returns when all have finished. Rethrows the first failure of a worker in index
     * order ({@link CancellationException} if the caller was interrupted); the other workers stop at their next
     * checkpoint.
     */
    void run(Body body) {
        checkpoint();
        try (Kernels.Scope ignored = Kernels.singleThreadedCalls()) {
            runWorkers(body);
        }
    }

    private void runWorkers(Body body) {
        if (threads == 1) {
            try {
                body.run(0);
            } catch (Throwable t) {
                cancelled = true;
                throw t;
            }
            return;
        }
        Step step = new Step(body);
        ensurePoolThreads(threads - 1);
        for (int w = 1; w < threads; w++) {
            POOL.execute(step);
        }
        step.work(0);
        // the workers no pool thread has claimed yet: run them here rather than wait for a busy pool
        for (int w = step.claim(); w >= 0; w = step.claim()) {
            step.work(w);
        }
        boolean interrupted = false;
        while (step.finished.get() < threads) {
            LockSupport.park(step);
            if (Thread.interrupted()) {
                interrupted = true;   // the workers see the caller's interrupt at their next checkpoint
                cancelled = true;
            }
        }
        if (interrupted) {
            caller.interrupt();       // park's wake-up cleared it above: restore it for the caller
        }
        if (caller.isInterrupted()) {
            throw new CancellationException("the tiled computation was interrupted");
        }
        for (Throwable t : step.failures) {
            if (t != null && !(t instanceof CancellationException)) {
                rethrow(t);
            }
        }
        for (Throwable t : step.failures) {
            if (t != null) {
                rethrow(t);
            }
        }
    }

    /** One parallel step: workers claimed by index (0 is the caller's), counted when finished. */
    private final class Step implements Runnable {
        private final Body body;
        private final AtomicInteger next = new AtomicInteger(1);
        private final AtomicInteger finished = new AtomicInteger();
        private final Throwable[] failures = new Throwable[threads];

        Step(Body body) {
            this.body = body;
        }

        /** The next unclaimed worker index, or −1 when every worker has been claimed. */
        int claim() {
            int w = next.getAndIncrement();
            return w < threads ? w : -1;
        }

        /** A pool thread's share: one worker, if any is still unclaimed. */
        @Override
        public void run() {
            int w = claim();
            if (w >= 0) {
                work(w);
            }
        }

        void work(int w) {
            try {
                body.run(w);
            } catch (Throwable t) {
                failures[w] = t;
                cancelled = true;
            } finally {
                // the count's volatile write publishes failures[w] and the worker's results to the caller
                if (finished.incrementAndGet() == threads && Thread.currentThread() != caller) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    private static void rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("a tiled worker failed: " + t, t);
    }
}
