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
# Environment: THREADS (2), EPOCHS (5), SEED (1), OBJECTIVE (neg) for the contrast4j side; STEPS ("pair shared": the
# contrast4j runs, one per --step, each scored); INFONCE_EPOCHS (1; 0 = skip): an InfoNCE run of that many epochs
# whose seconds per epoch are compared with the neg runs'. Writes OUT_DIR/compare.json (every figure of the table).
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
steps=${STEPS:-pair shared}
infonce_epochs=${INFONCE_EPOCHS:-1}
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
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
evaluate=()
for step in $steps; do
    echo "contrast4j train words --objective $objective --step $step …" >&2
    "$root/contrast4j" train words --corpus "$corpus" --objective "$objective" --step "$step" --num-negatives 5 \
        --dim 100 --window 5 --epochs "$epochs" --min-count 5 --sample 1e-4 --threads "$threads" --seed "$seed" \
        --questions "$questions" --no-progress --out "$out/contrast4j-$objective-$step" \
        > "$out/contrast4j-$objective-$step.log"
    evaluate+=("$out/contrast4j-$objective-$step/vectors.txt")
done
echo "gensim Word2Vec …" >&2
$py "$here/gensim_word2vec.py" "$corpus" "$questions" "$out/gensim.json" --threads "$threads" --epochs "$epochs" \
    --seed "$seed" --evaluate "${evaluate[@]}"
if [ "$infonce_epochs" -gt 0 ]; then
    echo "contrast4j train words --objective infonce --epochs $infonce_epochs …" >&2
    "$root/contrast4j" train words --corpus "$corpus" --objective infonce --dim 100 --window 5 \
        --epochs "$infonce_epochs" --min-count 5 --sample 1e-4 --threads "$threads" --seed "$seed" \
        --questions "$questions" --no-progress --out "$out/contrast4j-infonce" > "$out/contrast4j-infonce.log"
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

$py - "$out" "$objective" "$steps" "$infonce_epochs" "$seed" "$load_after" "$epochs" <<'PY'
import json, os, subprocess, sys
out, objective, steps, infonce_epochs, seed, load, epochs = sys.argv[1:8]
g = json.load(open(os.path.join(out, "gensim.json")))
runs = {}
for step in steps.split():
    d = os.path.join(out, "contrast4j-%s-%s" % (objective, step))
    s = json.load(open(os.path.join(d, "summary.json")))
    runs[step] = {"words_per_second": s["words_per_second"], "seconds": s["seconds"],
                  "seconds_per_epoch": s["seconds"] / len(s["epochs"]),
                  "analogy_accuracy": g["evaluated"][os.path.join(d, "vectors.txt")]["analogy_accuracy"],
                  "analogy_accuracy_contrast4j": s["analogy_accuracy"], "analogy_seen": s["analogy_seen"]}
result = {"seed": int(seed), "load_after": load, "gensim": {k: g[k] for k in
          ("gensim_version", "seconds", "words_per_second", "analogy_accuracy", "analogy_seen", "vocabulary",
           "tokens")}, "contrast4j_" + objective: runs}
if int(infonce_epochs) > 0:
    s = json.load(open(os.path.join(out, "contrast4j-infonce", "summary.json")))
    result["contrast4j_infonce"] = {"epochs": len(s["epochs"]), "seconds": s["seconds"],
                                    "seconds_per_epoch": s["seconds"] / len(s["epochs"]),
                                    "words_per_second": s["words_per_second"],
                                    "analogy_accuracy": s["analogy_accuracy"]}
result["cpu"] = subprocess.run(["lscpu"], capture_output=True, text=True).stdout.split("Model name:")[1] \
    .splitlines()[0].strip()
json.dump(result, open(os.path.join(out, "compare.json"), "w"), indent=2)
rows = [("", "words/s", "× gensim", "s/epoch", "analogy (gensim eval.)", "analogy (contrast4j eval.)")]
rows.append(("gensim " + g["gensim_version"], "%.0f" % g["words_per_second"], "1.00",
             "%.2f" % (g["seconds"] / int(epochs)), "%.4f" % g["analogy_accuracy"], ""))
for step, r in runs.items():
    rows.append(("contrast4j %s --step %s" % (objective, step), "%.0f" % r["words_per_second"],
                 "%.2f" % (r["words_per_second"] / g["words_per_second"]), "%.2f" % r["seconds_per_epoch"],
                 "%.4f" % r["analogy_accuracy"], "%.4f" % r["analogy_accuracy_contrast4j"]))
if "contrast4j_infonce" in result:
    r = result["contrast4j_infonce"]
    rows.append(("contrast4j infonce (%d epoch%s)" % (r["epochs"], "" if r["epochs"] == 1 else "s"),
                 "%.0f" % r["words_per_second"], "%.2f" % (r["words_per_second"] / g["words_per_second"]),
                 "%.2f" % r["seconds_per_epoch"], "", "%.4f" % r["analogy_accuracy"]))
    for step, b in runs.items():
        rows.append(("infonce s/epoch ÷ %s --step %s" % (objective, step), "", "",
                     "%.2f" % (r["seconds_per_epoch"] / b["seconds_per_epoch"]), "", ""))
w = [max(len(str(x[i])) for x in rows) for i in range(len(rows[0]))]
for x in rows:
    print("  ".join(str(c).ljust(w[i]) if i == 0 else str(c).rjust(w[i]) for i, c in enumerate(x)))
print("seed %s, %s, load after: %s" % (seed, result["cpu"], load))
PY
