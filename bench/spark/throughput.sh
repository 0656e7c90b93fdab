#!/usr/bin/env bash
# bench/spark/throughput.sh: the issue's throughput target side by side — `train words --threads 2` and
# `spark words --master local[2] --partitions P` alternated N times on the same corpus (defaults, 5 epochs), one JSON
# line per run in OUT/throughput.jsonl (seconds and words/s of the epochs, the total with the vocabulary and warm-up
# for spark, analogy accuracy, 1-minute load average before and after, CPU model), then the medians and the ratio of
# the median words/s. On a shared machine only the ratio of runs this close in time means anything.
# Usage: bench/spark/throughput.sh [CORPUS] [OUT] [N] [P]   (defaults /tmp/corpora/sotu-brown.txt,
#        /tmp/bench-spark, 3, 2). OTHER_ROOT=DIR also runs `spark words` from another checkout (e.g. the commit
#        before a change) in each round, as trainer "contrast4j-spark@DIR".
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
corpus=${1:-/tmp/corpora/sotu-brown.txt}
out=${2:-/tmp/bench-spark}
n=${3:-3}
p=${4:-2}
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
load() { cut -d' ' -f1 /proc/loadavg; }
mkdir -p "$out"
. "$root/scripts/jdk25.sh"
[ -f "$corpus" ] || "$root/bench/words/make_corpus.sh" "$corpus"
export SPARK_LOCAL_IP=127.0.0.1
results=$out/throughput.jsonl

run() {   # run TRAINER ROOT single|spark
    local l0 l1 at dir=$out/throughput-run
    l0=$(load)
    at=$(date -u +%FT%TZ)
    rm -rf "$dir"
    if [ "$3" = single ]; then
        "$2/contrast4j" train words --corpus "$corpus" --threads 2 --epochs 5 --no-progress --out "$dir" \
            > "$out/throughput-run.log" 2>&1
    else
        "$2/contrast4j" spark words --corpus "$corpus" --master 'local[2]' --partitions "$p" --epochs 5 \
            --no-progress --out "$dir" > "$out/throughput-run.log" 2>&1
    fi
    l1=$(load)
    python3 - "$dir/summary.json" "$1" "$l0" "$l1" "$cpu" "$at" >> "$results" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
print(json.dumps({"trainer": sys.argv[2], "seconds": d["seconds"], "words_per_second": d["words_per_second"],
                  "seconds_total": d.get("seconds_with_vocabulary"),
                  "epoch_seconds": [e["seconds"] for e in d.get("epochs", [])],
                  "analogy_accuracy": d["analogy_accuracy"], "load_before": float(sys.argv[3]),
                  "load_after": float(sys.argv[4]), "cpu": sys.argv[5], "at": sys.argv[6]}))
EOF
    tail -1 "$results"
}

touch "$results"
from=$(wc -l < "$results")
for i in $(seq 1 "$n"); do
    run contrast4j-single "$root" single
    run contrast4j-spark "$root" spark
    if [ -n "${OTHER_ROOT:-}" ]; then
        run "contrast4j-spark@$OTHER_ROOT" "$OTHER_ROOT" spark
    fi
done
tail -n +"$((from + 1))" "$results" | python3 -c '
import json, statistics, sys
runs = {}
for line in sys.stdin:
    r = json.loads(line)
    runs.setdefault(r["trainer"], []).append(r)
single = statistics.median(r["words_per_second"] for r in runs["contrast4j-single"])
for t, rs in runs.items():
    w = statistics.median(r["words_per_second"] for r in rs)
    s = statistics.median(r["seconds"] for r in rs)
    print("%-40s median %6.2f s %9.0f words/s  %5.1f %% of the single machine  (%d runs, load %.1f-%.1f)" % (
        t, s, w, 100 * w / single, len(rs), min(r["load_before"] for r in rs), max(r["load_after"] for r in rs)))
'
