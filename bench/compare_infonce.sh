#!/usr/bin/env bash
# Symmetric InfoNCE, forward + backward, side by side: contrast4j (the engine AUTO picks, and each path forced:
# stored logits, tiled, dense) against naive PyTorch on the same seeded inputs, and against the sgemm ceiling
# (SgemmCeiling: the loss's products with nothing in between, best of five tile shapes) at the same thread count.
# Runs alternate within each size: every round runs each of our paths and PyTorch once (a fresh process each, with
# its warm-up runs), so load that drifts during the script hits every column alike; the table pools the timed runs of
# all rounds and reports their median. Prints a markdown table:
#   speed-up     = PyTorch ms / ours ms                                  (same N, D, threads, inputs), also for
#                  the fastest run of each (the least disturbed on a shared machine); CPU ms = median process CPU
#                  time of a run (all threads), which other load inflates less than wall time
#   ceiling ms   = 6·N²·D flops (S = A·Bᵀ, G·B, Gᵀ·A: the products any exact method needs) at the sgemm rate
#   of ceiling   = ceiling ms / ours ms                                  (100% = products only, at their best rate)
#
# Usage: bench/compare_infonce.sh [--sizes "256 1024 2048 4096 8192"] [--dim 256] [--threads 2] [--seed 42]
#                                 [--rounds 2] [--engines "auto stored tiled dense"] [--dense-max 4096]
#                                 [--kernel auto] [--base DIR] [--out DIR]
# --kernel K: the -Dcontrast4j.kernel of our runs and of the ceiling (default auto: what a user gets).
# --base DIR: also time another checkout's build (e.g. a worktree of main before a change) as the path "base" (its
# own ./contrast4j with --engine auto), alternating with the others: before/after in one run.
# Needs: a JDK 25 (scripts/jdk25.sh), Maven (builds the CLI and bench jars when stale), Debian's python3-torch for
# the peer, libopenblas0-pthread for the blas kernel (without it our rows say which kernel ran instead). About 15
# minutes on a 2-core machine with the defaults; every raw result is kept in --out (default: a fresh temporary
# directory). An engine the CLI does not know (e.g. "stored" on a build before it existed) is reported as "error".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/jdk25.sh"

sizes="256 1024 2048 4096 8192"
dim=256
threads=2
seed=42
rounds=2
engines="auto stored tiled dense"
dense_max=4096
kernel=auto
base=""
out=""
while [ $# -gt 0 ]; do
    case $1 in
        --sizes) sizes=$2; shift 2 ;;
        --dim) dim=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --engines) engines=$2; shift 2 ;;
        --dense-max) dense_max=$2; shift 2 ;;
        --kernel) kernel=$2; shift 2 ;;
        --base) base=$(cd "$2" && pwd); shift 2 ;;
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "compare_infonce.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done
[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/compare_infonce.XXXXXX")
mkdir -p "$out"
export OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads

# the bench jar (SgemmCeiling), rebuilt when older than a source file or pom
jar=$root/bench/target/benchmarks.jar
if [ ! -f "$jar" ] || [ -n "$(find "$root"/pom.xml "$root"/core "$root"/bench -newer "$jar" \
        \( -name '*.java' -o -name pom.xml \) -not -path '*/target/*' -print -quit)" ]; then
    echo "building bench/target/benchmarks.jar…" >&2
    (cd "$root" && MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
        mvn -B -q -DskipTests package -pl bench -am > "$out/build.log" 2>&1) \
        || { cat "$out/build.log" >&2; exit 1; }
fi
"$root/contrast4j" --help > /dev/null   # builds the CLI now, so that the first timing does not include it

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) processors"
    echo "load at start: $(uptime)"
    echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
} > "$out/machine.txt"

[ -z "$base" ] || "$base/contrast4j" --help > /dev/null
[ -z "$base" ] || echo "base: $base at $(git -C "$base" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    >> "$out/machine.txt"

# warm-up and timed runs per process (the same for both sides): more where a run is short, so that the JIT has
# compiled the engine's loops before the timed runs and the median is over enough of them (at N = 2048, 8 warm-ups
# left runs 9–13 up to 1.5× slower than the later ones: 20, as at N = 1024)
warmup_for() {
    if [ "$1" -le 256 ]; then echo 100; elif [ "$1" -le 2048 ]; then echo 20
    elif [ "$1" -le 4096 ]; then echo 3; else echo 2; fi
}
reps_for() {
    if [ "$1" -le 256 ]; then echo 21; elif [ "$1" -le 1024 ]; then echo 11; elif [ "$1" -le 2048 ]; then echo 7
    elif [ "$1" -le 4096 ]; then echo 5; else echo 3; fi
}

ours() {  # N ENGINE ROUND (ENGINE "base": the --base checkout, engine auto)
    local n=$1 e=$2 r=$3 home=$root engine=$2
    if [ "$e" = base ]; then home=$base; engine=auto; fi
    echo "N=$n round $r: contrast4j $e…" >&2
    CONTRAST4J_JAVA_OPTS="-Dcontrast4j.kernel=$kernel -Xmx2g -XX:+UseSerialGC" "$home/contrast4j" bench infonce \
        --n "$n" --dim "$dim" --symmetric --threads "$threads" --engine "$engine" --warmup "$(warmup_for "$n")" \
        --reps "$(reps_for "$n")" --seed "$seed" --json \
        > "$out/ours-$e-$n-$r.txt" 2> "$out/ours-$e-$n-$r.err" \
        || echo '{"error": true}' >> "$out/ours-$e-$n-$r.txt"
}
torch() {  # N ROUND
    local n=$1 r=$2
    echo "N=$n round $r: PyTorch…" >&2
    /usr/bin/python3 "$root/bench/peer/infonce_torch.py" --n "$n" --dim "$dim" --symmetric --threads "$threads" \
        --warmup "$(warmup_for "$n")" --reps "$(reps_for "$n")" --seed "$seed" --json \
        > "$out/torch-$n-$r.txt" 2> "$out/torch-$n-$r.err" || echo '{"error": true}' >> "$out/torch-$n-$r.txt"
}

[ -z "$base" ] || engines="$engines base"
for n in $sizes; do
    echo "N=$n sgemm ceiling…" >&2
    "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx4g \
        -Dcontrast4j.kernel=$kernel -cp "$jar" org.contrast4j.bench.SgemmCeiling --n "$n" --dim "$dim" \
        --threads "$threads" --rows "$(( n < 8192 ? n : 8192 ))" --reps "$(( n <= 2048 ? 11 : 3 ))" --seed "$seed" \
        --tiles "128x512,256x1024,512x512,1024x512,256xN" \
        > "$out/ceiling-$n.txt" 2> "$out/ceiling-$n.err" || echo '{"error": true}' >> "$out/ceiling-$n.txt"
    for r in $(seq 1 "$rounds"); do
        first=1
        for e in $engines; do
            if [ "$e" = dense ] && [ "$n" -gt "$dense_max" ]; then continue; fi
            ours "$n" "$e" "$r"
            if [ $first = 1 ]; then torch "$n" "$r"; first=0; fi   # PyTorch between our first and second path
        done
    done
done
echo "load at end: $(uptime)" >> "$out/machine.txt"

/usr/bin/python3 - "$out" "$dim" "$threads" "$rounds" "$engines" "$dense_max" $sizes <<'EOF' | tee "$out/table.md"
import json, statistics, sys
out, dim, threads, rounds, engines = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5].split()
dense_max = int(sys.argv[6])
sizes = [int(s) for s in sys.argv[7:]]

def load(name):
    try:
        with open(f"{out}/{name}.txt") as f:
            return json.loads(f.read().strip().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        return {"error": True}

def pooled(prefix):
    """The median and the fastest of the timed runs of every round (ms), the engine each reported, the loss value."""
    runs, used, value, cpu = [], set(), None, []
    for r in range(1, rounds + 1):
        res = load(f"{prefix}-{r}")
        if res.get("error") or res.get("oom") or not res.get("runs"):
            continue
        runs += res["runs"]
        if res.get("cpu_seconds") is not None:
            cpu.append(res["cpu_seconds"])
        used.add(res.get("engine", "?"))
        value = res.get("value")
    if not runs:
        return None, None, "", None, None
    return (1000 * statistics.median(runs), 1000 * min(runs), "/".join(sorted(used)), value,
            1000 * statistics.median(cpu) if cpu else None)

print(open(f"{out}/machine.txt").read().strip())
print(f"\nSymmetric InfoNCE forward+backward, D = {dim}, {threads} threads, cosine, tau = 0.1, "
      f"{rounds} alternating rounds (results in {out})\n")
head = ("N", "path", "ours ms", "PyTorch ms", "speed-up", "fastest ours / torch ms", "speed-up (fastest)",
        "CPU ms ours / torch",
        "sgemm GF/s (tile)", "ceiling ms (6N²D)", "of ceiling (fastest)", "loss ours / torch")
print("| " + " | ".join(head) + " |")
print("|" + "|".join("---" for _ in head) + "|")
for n in sizes:
    tms, tmin, _, tval, tcpu = pooled(f"torch-{n}")
    ceil = load(f"ceiling-{n}")
    rate = None if ceil.get("error") else ceil["gflops"]
    cms = 6.0 * n * n * dim / (rate * 1e9) * 1000 if rate else None
    for e in engines:
        ms, mn, used, val, cpu = pooled(f"ours-{e}-{n}")
        if ms is None and e == "dense" and n > dense_max:
            continue
        path = e if not used or used == e else f"{e} → {used}"
        if e == "base":
            path = f"main before ({used or 'auto'})"
        cells = [str(n), path,
                 f"{ms:.2f}" if ms else "error",
                 f"{tms:.2f}" if tms else "error",
                 f"{tms / ms:.2f}×" if ms and tms else "-",
                 f"{mn:.2f} / {tmin:.2f}" if mn and tmin else "-",
                 f"{tmin / mn:.2f}×" if mn and tmin else "-",
                 f"{cpu:.0f} / {tcpu:.0f}" if cpu is not None and tcpu is not None else "-",
                 f"{rate:.1f} ({ceil.get('tile', '?')})" if rate else "error",
                 f"{cms:.2f}" if cms else "-",
                 f"{cms / ms:.0%} ({cms / mn:.0%})" if cms and ms else "-",
                 f"{val:.6f} / {tval:.6f}" if val is not None and tval is not None else "-"]
        print("| " + " | ".join(cells) + " |")
EOF
