/**
 * The tiled engine: exact in-batch InfoNCE and CLIP, forward and backward, without the N×N similarity matrix
 * ({@link org.contrast4j.tiled.TiledInfoNce}; {@link org.contrast4j.loss.InfoNce} uses it through
 * {@link org.contrast4j.loss.Engine}); and the same for the softmax over a self-similarity Z·Zᵀ with its diagonal
 * masked — NT-Xent, DCL / DCLW, SupCon ({@link org.contrast4j.tiled.TiledSelfSimilarity}, which runs the symmetric
 * two passes below on the upper triangle of tiles only, since Z·Zᵀ is symmetric: 4·M²·D flops for M stacked rows).
 *
 * <h2>Algorithm</h2>
 * A and B are the prepared anchors and positives (N×D), S = A·Bᵀ, σ the logit scale, w the row weight. The symmetric
 * loss takes two passes over tiles S_RC = A_R·B_Cᵀ of {@code rowBlock} × {@code columnBlock} similarities, each tile
 * one {@link org.contrast4j.linalg.Kernels#gemm} into a scratch buffer that stays in cache:
 * <ol>
 *   <li><b>Statistics.</b> For each tile, each row's running maximum m_i and sum s_i = Σ_j e^{σ(S_ij − m_i)} are
 *       updated online (a larger maximum rescales the sum by e^{σ(m_old − m_new)}), and likewise each column's
 *       (m'_j, s'_j) — per worker, merged in worker order afterwards. The diagonal S_ii is kept. Then
 *       ℓ_i = σ(m_i − S_ii) + log s_i and ℓ'_j = σ(m'_j − S_jj) + log s'_j.</li>
 *   <li><b>Gradients.</b> Each tile is recomputed and overwritten in place by the gradient of L with respect to S,
 *       G = w·σ·(P + Q − 2I) with P_ij = e^{σ(S_ij − m_i) − log s_i} (forward softmax) and
 *       Q_ij = e^{σ(S_ij − m'_j) − log s'_j} (reverse softmax); then ∂L/∂A_R += G·B_C and, into the worker's own
 *       partial, ∂L/∂B_C += Gᵀ·A_R. The temperature gradient needs Σ_ij (∂L/∂l_ij)·l_ij, accumulated on the same
 *       tile as w·σ·Σ_ij [P_ij(S_ij − S_ii) + Q_ij(S_ij − S_jj)] (equal, since each softmax sums to 1, and free of the
 *       cancellation of Σ P·l − l_ii at large logits).</li>
 * </ol>
 * Four products of 2·N²·D flops each: <b>8·N²·D</b> for the symmetric loss (Inf-CL's GPU kernels spend 20·N²·D).
 * The one-way loss needs no column statistics and runs in <b>one pass, 6·N²·D</b>: a worker computes a panel of whole
 * rows (R × N), their exact log-sum-exps, the weights G in place and the two gradient products. The panel holds at
 * most 2^24 floats (64 MiB) per worker, i.e. min(512, 2^24/N) rows (each row padded by 16 floats, so that rows are
 * not a power of two bytes apart); below 64 rows (N &gt; 262144) the one-way loss takes the two passes above
 * (8·N²·D). Its gradient products run column chunk by column chunk, the tiles' shapes. Measured: 73% of the symmetric
 * time at N = 16384 (one thread), 88% at N = 65536 (two threads, where the 64 MiB panels stream through memory).
 *
 * <h2>Stored logits</h2>
 * For small batches ({@link org.contrast4j.tiled.TiledInfoNce#storedLogits}; {@link org.contrast4j.loss.Engine#STORED},
 * which AUTO picks from 64 to 8192 rows) the symmetric loss keeps S: workers compute blocks of whole rows of S with
 * one product each into an N×(N + 16) array with the statistics of pass 1, then the weights G in place with
 * ∂L/∂A_R = G_R·B, then ∂L/∂B_C = G_Cᵀ·A per block of columns — <b>6·N²·D</b> flops, no partial ∂L/∂B, blocks of
 * N/(2T) rows so that every worker is busy from small N on; the epilogue calls are the two passes' own. In each step
 * the workers claim blocks in turn and each block keeps its own column partial sums (added in block order), so the
 * bits do not depend on which worker ran a block. The N×(N + 16) array is reused between calls (one per calling
 * thread, softly referenced, grown to the largest N so far). Measured and compared in docs/tiled-engine.md.
 *
 * <h2>logQ</h2>
 * The one-way sampling-bias correction (every logit of column j minus log q_j) enters as S_ij − log q_j / σ in each
 * tile or panel right after its product, so every statistic and weight above applies unchanged (the one-shift path,
 * whose bound is on S, does not run); the temperature sum subtracts Σ_j P_ij·(−log q_j)/σ and adds the diagonal's,
 * so it stays Σ (∂L/∂l)·σ·S as on the dense engine.
 *
 * <h2>One shift</h2>
 * The running maxima cost two exponentials per entry and pass (one for the row, one for the column softmax). When all
 * logits lie within a small range below one common shift — 2·σ·M ≤ 64 with M = max‖a_i‖·max‖b_j‖·(1 + 1e-3) ≥ |S_ij|,
 * i.e. cosine similarity with τ ≥ 0.031 (CLIP's initial 0.07, the usual 0.1) — no exponent can overflow or underflow
 * a float, and one e_ij = e^{σ(S_ij − M)} per entry serves both: pass 1 adds it to its row's and its column's sum,
 * pass 2 forms P_ij = e_ij / Σ_k e_ik and Q_ij = e_ij / Σ_k e_kj. The diagonal term is kept out of the float sums and
 * added in double, so ℓ_i = log1p(Σ_{j≠i} e_ij / e_ii) and P_ii − 1 = −Σ_{j≠i} e_ij / Σ_j e_ij stay accurate for
 * well-solved rows. The price is precision: a float exponent of size up to 64 is off by up to ~8e-6, so each term
 * carries up to that relative error (the running-maxima path keeps the dominant terms' exponents near 0). Measured
 * (one thread, N = 4096, symmetric, CPU time): 0.315 s against 0.352 s with running maxima at D = 256 on OpenBLAS,
 * 0.184 s against 0.213 s at D = 128; the products alone take 0.267 s and 0.135 s.
 *
 * <h2>Memory</h2>
 * Besides the inputs: their prepared copies (cosine), the two gradients (2·N·D floats), one partial ∂L/∂B per extra
 * worker ((T − 1)·N·D), O(T·N) statistics, and per worker one tile (512 × 512 floats = 1 MiB) or one-way panel
 * (≤ 64 MiB) plus the kernel's packing buffers. No N×N array exists. Measured ({@code ./contrast4j bench infonce},
 * symmetric, τ = 0.1, 2 threads, OpenBLAS kernel, JVM flags {@code -Xmx1g -XX:+UseSerialGC}; peak resident memory of
 * the whole JVM; idle machine, 2026-11-28): N = 65536, D = 256 in 39.6 s at 709 MiB (Vector API kernel: 54.1 s,
 * 809 MiB); N = 262144, D = 128 in 356 s at 1.62 GiB (with {@code -Xmx2g}). The dense engine needs 2.3 GiB of heap
 * already at N = 8192.
 *
 * <p>The self-similarity engine at N = 50,000 pairs, D = 8, τ = 0.1 ({@code ./contrast4j loss --loss ntxent --anchors
 * a.npy --positives p.npy --out o} with {@code CONTRAST4J_JAVA_OPTS='-Xmx1g -XX:+UseSerialGC'}, OpenBLAS, 2 threads,
 * 2026-12-05, on the 2-core machine under a load of ~18, so CPU time is the figure to read): NT-Xent 19.6 s of CPU
 * (90 s wall) at 234 MiB peak resident memory, DCL 20.7 s at 245 MiB, SupCon on the anchors alone (100 labels) 8.3 s
 * at 218 MiB, SupCon on [anchors; positives] 19.8 s at 242 MiB. The 2N×2N float matrix alone would need 37 GiB.
 *
 * <h2>Tile size</h2>
 * 512 rows × 512 columns ({@link org.contrast4j.tiled.TiledInfoNce#DEFAULT_ROW_BLOCK},
 * {@link org.contrast4j.tiled.TiledInfoNce#DEFAULT_COLUMN_BLOCK}). A 1 MiB tile stays in a core's L2 (2 MiB here)
 * between the product that writes it, the element-wise pass and the two products that read it; 512 rows amortise
 * packing B_C and the column-statistics merge over more rows than 256, and 512 columns keep the per-row statistics
 * updates (once per row and tile) rare. Measured on the idle 2-core AVX-512 machine, 2026-11-28 (symmetric, D = 256,
 * two threads, median of 3 after warm-up, effective 8·N²·D GFLOP/s): at N = 8192 on OpenBLAS 256×1024 220, 512×512
 * 231, 1024×512 230, 512×1024 230, 256×2048 224; on the Vector API kernel 256×1024 142, 512×512 163, 1024×512 168,
 * 512×1024 157; at N = 2048 on OpenBLAS 256×1024 110, 512×512 211. The one-way loss is the same with either tile
 * (259 / 261 on OpenBLAS, 150 / 151 on the Vector API kernel at N = 8192). 1024×512 is as fast at N = 8192 but
 * leaves a thread idle at N ≤ 1024 rows, so 512×512. (An earlier one-thread measurement on a busy machine, N = 4096,
 * Vector API: 256×1024 63, 512×512 69, 256×256 60, 144×2048 54.) The gemm calls alone of the same tiles run
 * 15–25% faster ({@code SgemmCeiling} in the bench module), the element-wise work being the rest.
 *
 * <h2>Numerics</h2>
 * With running maxima, maxima and exponent arguments are in float — (S_ij − m_i)·σ with σ·S never formed, and pass 2's argument as one
 * fused multiply-add — so an argument is exact to ~1e-7 of its own size, which is ≤ 87 wherever e^arg is not
 * negligible. Exponentials are float (≤ 2 ulp); every sum (row and column sums, the temperature sums) is accumulated
 * in double, each vector of exponentials widened before it is added. The running statistics and the losses are
 * double. The diagonal weight P_ii − 1, which for a well-solved row is far smaller than 1, is formed as
 * expm1(σ(S_ii − m_i) − log s_i) in double. Masked candidates (labels) are −∞ in the tile: they never win a maximum
 * and get weight 0. So the loss and gradients stay finite in every tile for any σ (τ = 1e-3, logits 1000, tested), and
 * agree with the dense engine within ~1e-6 (values) and ~1e-5 (gradients, relative to their largest entry).
 *
 * <h2>Threads and determinism</h2>
 * Row blocks go to T workers round-robin (worker t takes blocks t, t + T, …): worker 0 is the calling thread, the
 * others are taken by the daemon threads of one pool that every engine shares, started on first use (as many as the
 * largest T − 1 asked for) and kept between calls, so a call starts no thread; whichever thread runs worker t does
 * worker t's work, so the result does not depend on scheduling, and a caller runs the workers no pool thread has
 * taken yet itself (concurrent callers and a busy pool still complete). Each worker owns its rows' statistics and ∂L/∂A rows, and keeps its
 * own column statistics, temperature sums and partial ∂L/∂B, merged in worker order. For a given tile the kernel
 * sees the same sequence of calls with the same shapes (the Java kernels do not even depend on how a product is
 * blocked; OpenBLAS, single-threaded per call here, is deterministic for a fixed shape), and the element-wise code
 * uses only IEEE operations (its own exponential, not the
 * Vector API's EXP, whose interpreted and compiled forms round differently; lanes summed in order, not reduceLanes):
 * the same inputs, thread count and tile give the same bits on every run. Interrupting the calling thread stops every
 * worker at its next tile; {@code compute} then throws {@link java.util.concurrent.CancellationException}, keeps the
 * interrupt status, and returns nothing. Each worker calls the kernel single-threaded (the engine holds a
 * {@link org.contrast4j.linalg.Kernels#singleThreadedCalls()} scope while its workers run); a multi-threaded BLAS
 * would oversubscribe the cores.
 */
package org.contrast4j.tiled;
