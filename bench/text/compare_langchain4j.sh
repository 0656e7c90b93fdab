#!/usr/bin/env bash
# Sentence-encoding speed: contrast4j's MiniLm (ONNX Runtime, sentences sorted by token count, batches padded to
# their own longest sentence) against langchain4j's AllMiniLmL6V2[Quantized]EmbeddingModel.embedAll (the same ONNX
# graph, one sentence per model call over a thread pool of one thread per core), on the same sentences, alternating
# the two within each repetition so both see the same machine load.
#
# Usage: bench/text/compare_langchain4j.sh [TEXT] [N]
#   TEXT  one sentence per line; default: the KJV Genesis + Exodus verses embedded in the embed module
#   N     sentences (default 2000)
# Environment: THREADS (2, ours; theirs uses one thread per core and ONNX Runtime's default), REPS (3),
#   BATCHES (16,32,64), MODEL (q = quantised, full = float32).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
n=${2:-2000}
threads=${THREADS:-2}
reps=${REPS:-3}
batches=${BATCHES:-16,32,64}
model=${MODEL:-q}
work=${TMPDIR:-/tmp}/contrast4j-bench-text
mkdir -p "$work"
text=${1:-$work/kjv-genesis-exodus.txt}
[ -f "$text" ] || gzip -dc "$root/embed/src/main/resources/org/contrast4j/embed/kjv-genesis-exodus.txt.gz" > "$text"

cd "$root"
mvn -B -q -pl text -am compile -DskipTests
mvn -B -q -pl text dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" > /dev/null
cp="$root/text/target/classes:$root/core/target/classes:$(cat "$work/cp.txt")"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

echo "# $(lscpu | grep 'Model name' | sed 's/  */ /g'); $(nproc) cores; $(grep -o -w 'avx512f\|avx2' /proc/cpuinfo | sort -u | paste -sd' ')" >&2
echo "# load before: $(uptime)" >&2
echo "# $text: first $n non-empty lines; ours: $threads threads, batches $batches; model $model; $reps reps" >&2
"$java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "$cp" \
    "$here/EncodeSpeed.java" "$text" "$n" "$threads" "$reps" "$batches" "$model" 2> "$work/stderr.txt"
echo "# load after: $(uptime)" >&2
