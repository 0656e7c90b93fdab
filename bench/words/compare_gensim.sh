#!/usr/bin/env bash
# contrast4j's skip-gram trainer against gensim's Word2Vec on the same corpus with the same settings:
#   sg=1, negative=5, window=5, vector_size=100, sample=1e-4, min_count=5, epochs=5, workers/threads=2
# and prints training seconds, words/s (in-vocabulary corpus tokens x epochs / training seconds, both tools) and
# analogy accuracy (questions-words.txt, 3CosAdd over the 30,000 most frequent words) side by side with the ratio.
# Both vector sets are also scored by the other tool's evaluator, so the accuracy comparison does not rest on one
# implementation.
#
# Usage: bench/words/compare_gensim.sh [CORPUS] [OUT_DIR]
#   CORPUS   default /tmp/corpora/sotu-brown.txt, built by bench/words/make_corpus.sh when missing
#   OUT_DIR  default /tmp/contrast4j-bench-words
# Environment: THREADS (2), EPOCHS (5), SEED (1), OBJECTIVE (neg) for the contrast4j side.
# Needs Debian's python3-gensim (apt-get install -y python3-gensim) for /usr/bin/python3.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
corpus=${1:-/tmp/corpora/sotu-brown.txt}
out=${2:-/tmp/contrast4j-bench-words}
threads=${THREADS:-2}
epochs=${EPOCHS:-5}
seed=${SEED:-1}
objective=${OBJECTIVE:-neg}
py=/usr/bin/python3
if ! $py -c 'import gensim' 2> /dev/null; then
    echo "compare_gensim: gensim is missing: apt-get install -y python3-gensim" >&2
    exit 1
fi
[ -f "$corpus" ] || "$here/make_corpus.sh" "$corpus"
mkdir -p "$out"
questions=$out/questions-words.txt
gzip -dc "$root/embed/src/main/resources/org/contrast4j/embed/questions-words.txt.gz" > "$questions"

echo "corpus $corpus: $(wc -w < "$corpus") words; threads $threads, epochs $epochs, seed $seed" >&2
echo "contrast4j train words --objective $objective …" >&2
"$root/contrast4j" train words --corpus "$corpus" --objective "$objective" --num-negatives 5 --dim 100 --window 5 \
    --epochs "$epochs" --min-count 5 --sample 1e-4 --threads "$threads" --seed "$seed" \
    --questions "$questions" --out "$out/contrast4j-$objective" > "$out/contrast4j-$objective.log"
echo "gensim Word2Vec …" >&2
$py "$here/gensim_word2vec.py" "$corpus" "$questions" "$out/gensim.json" --threads "$threads" --epochs "$epochs" \
    --seed "$seed" --evaluate "$out/contrast4j-$objective/vectors.txt"

$py - "$out/contrast4j-$objective/summary.json" "$out/gensim.json" "$out/contrast4j-$objective/vectors.txt" \
    "$objective" <<'PY'
import json, sys
ours = json.load(open(sys.argv[1]))
g = json.load(open(sys.argv[2]))
ours_by_gensim = g["evaluated"][sys.argv[3]]
rows = [
    ("", "contrast4j " + sys.argv[4], "gensim " + g["gensim_version"], "ratio"),
    ("vocabulary", ours["vocabulary"], g["vocabulary"], ""),
    ("tokens (in vocabulary)", ours["tokens"], g["tokens"], ""),
    ("training seconds", "%.1f" % ours["seconds"], "%.1f" % g["seconds"], "%.2f" % (g["seconds"] / ours["seconds"])),
    ("words/s", "%.0f" % ours["words_per_second"], "%.0f" % g["words_per_second"],
     "%.2f" % (ours["words_per_second"] / g["words_per_second"])),
    ("analogy accuracy (gensim evaluator)", "%.4f" % ours_by_gensim["analogy_accuracy"],
     "%.4f" % g["analogy_accuracy"], "%+.4f" % (ours_by_gensim["analogy_accuracy"] - g["analogy_accuracy"])),
    ("analogy accuracy (contrast4j evaluator)", "%.4f" % ours["analogy_accuracy"], "", ""),
    ("analogy questions seen", ours["analogy_seen"], g["analogy_seen"], ""),
]
w = [max(len(str(r[i])) for r in rows) for i in range(4)]
for r in rows:
    print("  ".join(str(c).ljust(w[i]) if i == 0 else str(c).rjust(w[i]) for i, c in enumerate(r)))
PY
