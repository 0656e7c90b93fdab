#!/usr/bin/env bash
# Symmetric InfoNCE, forward + backward, side by side: contrast4j on each kernel path (OpenBLAS, Vector API) against
# naive PyTorch on the same seeded inputs, and against the sgemm-only ceiling (SgemmCeiling: the loss's four
# products with nothing in between, best of three tile shapes) at the same thread count. Prints a ratio table:
#   speed-up   = PyTorch seconds / contrast4j seconds        (same N, D, threads, inputs)
#   speed-up CPU = the same with process CPU seconds (all threads; less inflated by other load on a busy machine)
#   efficiency = contrast4j effective GFLOP/s (8·N²·D / s) / ceiling GFLOP/s on the same kernel
#
# Usage: bench/compare_infonce.sh [--sizes "2048 8192 16384 65536"] [--dim 256] [--threads 2] [--seed 42]
#                                 [--out DIR]
# Needs: a JDK 25 (scripts/jdk25.sh), Maven (builds the CLI and bench jars when stale), Debian's python3-torch for
# the peer, libopenblas0-pthread for the blas rows (without it those rows fail and say why). About 15 minutes on a
# 2-core machine with the default sizes; every raw result is kept in --out (default: a fresh temporary directory).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/jdk25.sh"

sizes="2048 8192 16384 65536"
dim=256
threads=2
seed=42
out=""
while [ $# -gt 0 ]; do
    case $1 in
        --sizes) sizes=$2; shift 2 ;;
        --dim) dim=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "compare_infonce.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done
[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/compare_infonce.XXXXXX")
mkdir -p "$out"

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

# timed runs per size and warm-up runs before them (the same for both sides): more where a run is short (at N = 2048 a run takes tens of
# milliseconds and the JIT needs several to compile the engine's loops: with one warm-up the timed runs still fell
# from 0.096 to 0.056 s); at N > 16384 one run and no warm-up (a run takes about a minute, JIT compilation is a
# negligible part of it)
reps_for() { if [ "$1" -le 8192 ]; then echo 5; elif [ "$1" -le 16384 ]; then echo 3; else echo 1; fi; }
warmup_for() {
    if [ "$1" -le 2048 ]; then echo 10; elif [ "$1" -le 8192 ]; then echo 3; elif [ "$1" -le 16384 ]; then echo 1
    else echo 0; fi
}

last_json() { tail -n 1 "$1"; }

for n in $sizes; do
    reps=$(reps_for "$n")
    for kernel in blas vector; do
        echo "N=$n contrast4j, kernel $kernel…" >&2
        # the heap capped as bench/README.md recommends, so that the peak RSS is the engine's footprint
        CONTRAST4J_JAVA_OPTS="-Dcontrast4j.kernel=$kernel -Xmx1g -XX:+UseSerialGC" "$root/contrast4j" bench infonce \
            --n "$n" --dim "$dim" --symmetric --threads "$threads" --engine tiled --warmup "$(warmup_for "$n")" \
            --reps "$reps" --seed "$seed" --json \
            > "$out/ours-$kernel-$n.txt" 2> "$out/ours-$kernel-$n.err" \
            || echo '{"error": true}' >> "$out/ours-$kernel-$n.txt"
        echo "N=$n sgemm ceiling, kernel $kernel…" >&2
        rows=$(( n < 8192 ? n : 8192 ))
        "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx8g \
            -Dcontrast4j.kernel=$kernel -cp "$jar" org.contrast4j.bench.SgemmCeiling --n "$n" --dim "$dim" \
            --threads "$threads" --rows "$rows" --reps 3 --seed "$seed" \
            > "$out/ceiling-$kernel-$n.txt" 2> "$out/ceiling-$kernel-$n.err" \
            || echo '{"error": true}' >> "$out/ceiling-$kernel-$n.txt"
    done
    echo "N=$n PyTorch…" >&2
    /usr/bin/python3 "$root/bench/peer/infonce_torch.py" --n "$n" --dim "$dim" --symmetric --threads "$threads" \
        --warmup "$(warmup_for "$n")" --reps "$reps" --seed "$seed" --json > "$out/torch-$n.txt" 2> "$out/torch-$n.err" \
        || echo '{"error": true}' >> "$out/torch-$n.txt"
done

/usr/bin/python3 - "$out" "$dim" "$threads" $sizes <<'EOF'
import json, sys
out, dim, threads, sizes = sys.argv[1], sys.argv[2], sys.argv[3], [int(s) for s in sys.argv[4:]]

def load(name):
    try:
        with open(f"{out}/{name}.txt") as f:
            return json.loads(f.read().strip().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        return {"error": True}

def secs(r):
    return "error" if r.get("error") else ("oom" if r.get("oom") else f"{r['seconds']:.3f}")

def mib(r):
    return "-" if r.get("error") or r.get("peak_rss_bytes") is None else f"{r['peak_rss_bytes'] / 2**20:.0f}"

print(f"\nSymmetric InfoNCE forward+backward, D = {dim}, {threads} threads, cosine, tau = 0.1 (results in {out})")
head = ("N", "kernel", "ours s", "ours GF/s", "ours RSS MiB", "torch s", "torch RSS MiB", "speed-up",
        "speed-up CPU", "sgemm GF/s (tile)", "efficiency", "loss ours/torch")
print("| " + " | ".join(head) + " |")
print("|" + "|".join("---" for _ in head) + "|")
for n in sizes:
    torch = load(f"torch-{n}")
    for kernel in ("blas", "vector"):
        ours = load(f"ours-{kernel}-{n}")
        ceil = load(f"ceiling-{kernel}-{n}")
        ok = not ours.get("error")
        speedup = (f"{torch['seconds'] / ours['seconds']:.1f}×" if ok and not torch.get("error")
                   and not torch.get("oom") else ("torch oom" if torch.get("oom") else "-"))
        cpu = "-"
        if ok and ours.get("cpu_seconds") and not torch.get("error") and torch.get("cpu_seconds"):
            cpu = f"{torch['cpu_seconds'] / ours['cpu_seconds']:.1f}×"
        eff = (f"{ours['gflops'] / ceil['gflops']:.0%}" if ok and not ceil.get("error") else "-")
        gf = f"{ours['gflops']:.1f}" if ok else "error"
        cg = f"{ceil['gflops']:.1f} ({ceil.get('tile', '?')})" if not ceil.get("error") else "error"
        used = ours.get("kernel", "?") if ok else "?"
        if ok and used != kernel:
            used += f" (asked {kernel})"
        values = "-"
        if ok and ours.get("value") is not None and torch.get("value") is not None:
            values = f"{ours['value']:.6f} / {torch['value']:.6f}"
        print("| " + " | ".join([str(n), used, secs(ours), gf, mib(ours), secs(torch), mib(torch), speedup, cpu, cg,
                                 eff, values]) + " |")
EOF
