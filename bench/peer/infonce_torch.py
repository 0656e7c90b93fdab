#!/usr/bin/python3
"""PyTorch peer of `./contrast4j bench infonce`: naive InfoNCE (the N×N logit matrix in memory), forward + backward.

Run with Debian's PyTorch (python3-torch 1.13, CPU):

    /usr/bin/python3 bench/peer/infonce_torch.py --n 8192 --dim 256 --symmetric --threads 2 --reps 3 --json

Same inputs as the contrast4j command (bench_matrix() below, documented in bench/README.md), cosine similarity,
temperature 0.1 (the command's fixed τ; --tau changes it, the cost does not depend on it), mean reduction;
symmetric = ½(CE(S) + CE(Sᵀ)) as CLIP and contrast4j's InfoNce.symmetric(true). Gradients with
respect to both raw inputs (A and B require grad). --warmup untimed runs (default 1), then the median of --reps
runs; each run is forward + backward from the raw inputs (normalisation included).

Threads: OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and MKL_NUM_THREADS are set to --threads before torch is imported,
and torch.set_num_threads(--threads).

Memory: the naive loss holds several N×N float32 matrices at once (logits, two log-softmaxes, their gradients): peak
RSS 1.66 GiB measured at N = 8192 (about 5.3·4·N² bytes over the interpreter's 0.3 GiB) and 5.5 GiB reported at
N = 16384. If 6·4·N² bytes (a margin over that) exceed --mem-cap-gib (default: MemAvailable from /proc/meminfo) the
run is not attempted and reported as out of memory; an allocation failure during the run is reported the same way.
Either way the JSON line has "oom": true and null timings.

Prints a human line and, with --json, one JSON object on the last line with the keys of the contrast4j command:
seconds, gflops (effective: 8·N²·D symmetric, 6·N²·D one-way, per second), peak_rss_bytes (getrusage ru_maxrss,
the whole process), kernel, engine; plus value (the loss of the last run, to check both sides saw the same inputs),
cpu_seconds (median process CPU time of a run: all threads, less inflated than wall time on a busy machine), runs
(every timed run, seconds), threads, n, dim, oom.
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

MATRICES_AT_PEAK = 6  # N×N float32 matrices alive at once in the naive symmetric loss, with a margin (see above)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, required=True, help="batch size N (anchors = positives = N)")
    p.add_argument("--dim", type=int, default=256, help="embedding dimension D (256)")
    p.add_argument("--symmetric", action="store_true", help="CLIP-style symmetric loss")
    p.add_argument("--threads", type=int, default=2, help="threads for torch and its BLAS (2)")
    p.add_argument("--reps", type=int, default=3, help="timed runs after the warm-up; the median is reported (3)")
    p.add_argument("--warmup", type=int, default=1, help="untimed runs first (1)")
    p.add_argument("--seed", type=int, default=42, help="input seed (42, as the contrast4j command)")
    p.add_argument("--tau", type=float, default=0.1, help="temperature (0.1, as the contrast4j command)")
    p.add_argument("--mem-cap-gib", type=float, default=None,
                   help="memory the run may use, GiB (default: MemAvailable)")
    p.add_argument("--json", action="store_true", help="print a JSON object on the last line")
    a = p.parse_args()
    for name in ("n", "dim", "threads", "reps"):
        if getattr(a, name) < 1:
            p.error(f"--{name} must be >= 1, was {getattr(a, name)}")
    if a.warmup < 0:
        p.error(f"--warmup must be >= 0, was {a.warmup}")
    if not a.tau > 0:
        p.error(f"--tau must be > 0, was {a.tau}")
    return a


def mem_available_bytes():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no MemAvailable in /proc/meminfo")


def bench_matrix(n, d, seed, m):
    """Matrix m (0 = anchors, 1 = positives) of `contrast4j bench infonce --n n --dim d --seed seed`, bit for bit:
    element k = row·D + col is the SplitMix64 finaliser of seed + (m·2^40 + k + 1)·0x9E3779B97F4A7C15 (unsigned 64-bit,
    wrapping), x = (z >> 40)·2^-23 − 1, uniform on [−1, 1) and exact in float32 (bench/README.md)."""
    import numpy as np
    with np.errstate(over="ignore"):
        k = np.arange(n * d, dtype=np.uint64) + np.uint64((m << 40) + 1)
        z = np.uint64(seed % 2**64) + k * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return ((z >> np.uint64(40)).astype(np.float32) * np.float32(2.0**-23) - np.float32(1)).reshape(n, d)


def inputs(n, d, seed):
    """Anchors and positives of the contrast4j bench command."""
    return bench_matrix(n, d, seed, 0), bench_matrix(n, d, seed, 1)


def main():
    a = parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(a.threads)
    flops = (8 if a.symmetric else 6) * a.n * a.n * a.dim
    result = {"seconds": None, "gflops": None, "peak_rss_bytes": None, "kernel": None, "engine": "torch-naive",
              "value": None, "cpu_seconds": None, "runs": None, "threads": a.threads, "n": a.n, "dim": a.dim,
              "oom": False}
    cap = a.mem_cap_gib * 2**30 if a.mem_cap_gib is not None else mem_available_bytes()
    need = MATRICES_AT_PEAK * 4 * a.n * a.n
    if need > cap:
        result["oom"] = True
        report(a, result, f"out of memory: about {need / 2**30:.1f} GiB needed "
                          f"({MATRICES_AT_PEAK} N×N float32 matrices), {cap / 2**30:.1f} GiB available; not run")
        return

    import torch
    import torch.nn.functional as F
    torch.set_num_threads(a.threads)
    result["kernel"] = f"torch {torch.__version__.split('+')[0]}"

    def run(x, y):
        xa = x.detach().requires_grad_(True)
        yb = y.detach().requires_grad_(True)
        logits = F.normalize(xa, dim=1) @ F.normalize(yb, dim=1).t() / a.tau
        target = torch.arange(a.n)
        loss = F.cross_entropy(logits, target)
        if a.symmetric:
            loss = 0.5 * (loss + F.cross_entropy(logits.t(), target))
        loss.backward()
        return loss.item(), xa.grad, yb.grad

    try:
        x_np, y_np = inputs(a.n, a.dim, a.seed)
        x = torch.from_numpy(x_np)
        y = torch.from_numpy(y_np)
        for _ in range(a.warmup):
            run(x, y)
        times = []
        cpu = []
        value = None
        for _ in range(a.reps):
            t0 = time.perf_counter()
            c0 = time.process_time()
            value, _, _ = run(x, y)
            cpu.append(time.process_time() - c0)
            times.append(time.perf_counter() - t0)
    except (MemoryError, RuntimeError) as e:
        if isinstance(e, MemoryError) or "alloc" in str(e).lower() or "memory" in str(e).lower():
            result["oom"] = True
            result["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            report(a, result, f"out of memory while running: {str(e).splitlines()[0]}")
            return
        raise
    seconds = statistics.median(times)
    result.update(seconds=seconds, cpu_seconds=statistics.median(cpu), runs=times,
                  gflops=flops / seconds * 1e-9, value=value,
                  peak_rss_bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    report(a, result, f"{'symmetric' if a.symmetric else 'one-way'} InfoNCE N={a.n} D={a.dim} threads={a.threads}: "
                      f"median {seconds:.3f} s of {a.reps}, {result['gflops']:.1f} GFLOP/s effective, "
                      f"peak RSS {result['peak_rss_bytes'] / 2**20:.0f} MiB, loss {value:.6f} ({result['kernel']})")


def report(a, result, line):
    print(line)
    if a.json:
        print(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
