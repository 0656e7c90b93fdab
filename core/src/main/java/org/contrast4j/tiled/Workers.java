package org.contrast4j.tiled;

import java.util.concurrent.CancellationException;
import org.contrast4j.linalg.Kernels;

/**
 * Runs {@code threads} workers of one parallel step and waits for all of them: worker 0 in the calling thread, the
 * others in fresh daemon threads that end with the step, so nothing outlives a computation and no pool has to be shut
 * down. Workers call {@link #checkpoint()} between tiles; it throws {@link CancellationException} once the calling
 * thread has been interrupted or another worker has failed, so an interrupt stops the whole step within one tile per
 * worker. The caller's interrupt status is kept. While a step runs, every product is single-threaded
 * ({@link Kernels#singleThreadedCalls()}): the workers are the parallelism, and OpenBLAS threads on top of them would
 * oversubscribe the cores (see the linalg package notes).
 */
final class Workers {
    /** The work of worker {@code w} (0 ≤ w &lt; threads). */
    interface Body {
        void run(int worker);
    }

    private final int threads;
    private final Thread caller;
    private volatile boolean cancelled;

    Workers(int threads) {
        this.threads = threads;
        this.caller = Thread.currentThread();
    }

    /** Throws {@link CancellationException} if the computation was interrupted or a worker failed. */
    void checkpoint() {
        if (cancelled || caller.isInterrupted() || Thread.currentThread().isInterrupted()) {
            cancelled = true;
            throw new CancellationException("the tiled computation was interrupted");
        }
    }

    /**
     * Runs body(0 … threads−1) and returns when all have finished. Rethrows the first failure of a worker
     * ({@link CancellationException} if the caller was interrupted); the other workers stop at their next checkpoint.
     */
    void run(Body body) {
        checkpoint();
        try (Kernels.Scope ignored = Kernels.singleThreadedCalls()) {
            runWorkers(body);
        }
    }

    private void runWorkers(Body body) {
        Thread[] others = new Thread[threads - 1];
        Throwable[] failures = new Throwable[threads];
        for (int w = 1; w < threads; w++) {
            int worker = w;
            others[w - 1] = Thread.ofPlatform().daemon().name("contrast4j-tiled-" + w).unstarted(() -> {
                try {
                    body.run(worker);
                } catch (Throwable t) {
                    failures[worker] = t;
                    cancelled = true;
                }
            });
            others[w - 1].start();
        }
        try {
            body.run(0);
        } catch (Throwable t) {
            failures[0] = t;
            cancelled = true;
        }
        boolean interrupted = false;
        for (Thread t : others) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;  // the workers see the caller's interrupt at their next checkpoint
                    cancelled = true;
                }
            }
        }
        if (interrupted) {
            caller.interrupt();  // join() cleared it: restore it for the caller
        }
        if (caller.isInterrupted()) {
            throw new CancellationException("the tiled computation was interrupted");
        }
        for (Throwable t : failures) {
            if (t != null && !(t instanceof CancellationException)) {
                rethrow(t);
            }
        }
        for (Throwable t : failures) {
            if (t != null) {
                rethrow(t);
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
        throw new IllegalStateException(t);
    }
}
