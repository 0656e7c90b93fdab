package org.contrast4j.tiled;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.contrast4j.linalg.Matrix;
import org.junit.jupiter.api.Test;

/**
 * The stored-logits path's reusable array ({@link Workspace}): kept per thread and grown to the largest batch, lent
 * out while in use, and its stale contents never reach a result. Each test runs on a fresh thread, whose slot starts
 * empty whatever other tests ran on the test thread.
 */
class WorkspaceTest {

    @Test
    void anArrayIsLentOnceAndGrowsToTheLargestRequest() throws Exception {
        onFreshThread(() -> {
            assertEquals(0, Workspace.heldLength());
            float[] first = Workspace.take(10);
            assertEquals(10, first.length);
            Workspace.give(first);
            assertEquals(10, Workspace.heldLength());
            float[] again = Workspace.take(6);
            assertSame(first, again, "a large enough held array is reused");
            assertEquals(0, Workspace.heldLength(), "lent out while in use");
            float[] nested = Workspace.take(6);
            assertNotSame(first, nested, "a nested call gets its own array");
            Workspace.give(nested);
            Workspace.give(again);
            assertEquals(10, Workspace.heldLength(), "the larger array stays");
            float[] larger = Workspace.take(20);
            Workspace.give(larger);
            assertEquals(20, Workspace.heldLength());
        });
    }

    @Test
    void staleContentsFromALargerBatchDoNotChangeTheResult() throws Exception {
        SplittableRandom rnd = new SplittableRandom(8);
        int small = 40;
        int large = 100;
        Matrix a = TiledInfoNceTest.unitRows(rnd, small, 8);
        Matrix b = TiledInfoNceTest.unitRows(rnd, small, 8);
        long[] labels = TiledInfoNceTest.labels(rnd, small, 6);
        Matrix bigA = TiledInfoNceTest.unitRows(rnd, large, 8);
        Matrix bigB = TiledInfoNceTest.unitRows(rnd, large, 8);
        for (Epilogue e : TiledInfoNceTest.epilogues()) {
            for (double scale : new double[] {14.0, 50.0}) {  // one shift, running maxima
                TiledInfoNce engine = new TiledInfoNce(2, 512, 512, e, TiledInfoNce.PANEL_FLOATS, true, true);
                String what = e.name() + ", σ " + scale + ": ";
                AtomicReference<TiledInfoNce.Result> fresh = new AtomicReference<>();
                AtomicReference<TiledInfoNce.Result> reused = new AtomicReference<>();
                onFreshThread(() -> fresh.set(engine.compute(a, b, scale, true, labels, 1.0 / small)));
                onFreshThread(() -> {
                    engine.compute(bigA, bigB, scale, true, null, 1.0 / large);
                    assertEquals(large * (large + TiledInfoNce.PANEL_PAD), Workspace.heldLength(), what + "held");
                    reused.set(engine.compute(a, b, scale, true, labels, 1.0 / small));
                    assertEquals(large * (large + TiledInfoNce.PANEL_PAD), Workspace.heldLength(),
                            what + "kept, not shrunk");
                });
                TiledInfoNceTest.check(what + "after a larger batch",
                        TiledInfoNceTest.reference(a, b, scale, true, labels, 1.0 / small), reused.get(), a, b, scale,
                        1.0 / small);
                assertArrayEquals(fresh.get().forward(), reused.get().forward(), what + "forward");
                assertArrayEquals(fresh.get().reverse(), reused.get().reverse(), what + "reverse");
                assertArrayEquals(fresh.get().gradA().data(), reused.get().gradA().data(), what + "gradA");
                assertArrayEquals(fresh.get().gradB().data(), reused.get().gradB().data(), what + "gradB");
                assertEquals(fresh.get().gradDotLogit(), reused.get().gradDotLogit(), what + "gradDotLogit");
            }
        }
    }

    /** Runs {@code body} on a new thread and rethrows what it threw. */
    private static void onFreshThread(Runnable body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable x) {
                failure.set(x);
            }
        });
        t.start();
        t.join();
        if (failure.get() instanceof Error err) {
            throw err;
        }
        if (failure.get() instanceof Exception ex) {
            throw ex;
        }
    }
}
