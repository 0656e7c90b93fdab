#!/usr/bin/env bash
# Issue 11's full-size retrieval measurement (org.contrast4j.bench.RetrievalFullSize) under /usr/bin/time -v: the
# sgemm ceiling of this run, exact search of B = 10⁵ random unit queries against M = 10⁶ random unit rows (D = 384,
# cosine, k = 10; time, GFLOP/s, fraction of the ceiling), mining 10⁴ queries over the 10⁶ rows, and peak RSS (the
# JVM's VmHWM after each phase, and the "Maximum resident set size" /usr/bin/time prints at the end).
#
# Usage: bench/retrieval-full-size.sh [--scale 1] [any other RetrievalFullSize option, e.g. --threads 2]
#   --scale 0.01 is a smoke test of seconds (B = 1,000, M = 10,000, 100 mining queries).
# Run the full size on an idle machine: the corpus alone is 1.4 GiB and the search and the miner each make a
# normalised copy (hence -Xmx8g); at ≈ 250 GFLOP/s the search takes 5–8 minutes.
# The heap is -Xmx8g unless RETRIEVAL_JAVA_OPTS says otherwise. Builds bench/target/benchmarks.jar when missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/jdk25.sh"
case "${1:-}" in -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
jar=$root/bench/target/benchmarks.jar
if [ ! -f "$jar" ]; then
    echo "building $jar…" >&2
    (cd "$root" && MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}" \
        mvn -B -q -DskipTests package -pl bench -am) >&2
fi
timer=()
if [ -x /usr/bin/time ]; then
    timer=(/usr/bin/time -v)
fi
# shellcheck disable=SC2086
exec "${timer[@]}" "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    ${RETRIEVAL_JAVA_OPTS:--Xmx8g} -cp "$jar" org.contrast4j.bench.RetrievalFullSize "$@"
