"""Trains gensim's Word2Vec (skip-gram) on a pre-tokenised corpus and reports what bench/words/compare_gensim.sh
compares: training seconds, words/s (in-vocabulary corpus tokens x epochs / training seconds, the definition
contrast4j's summary.json uses), and the analogy accuracy of gensim's evaluate_word_analogies over the 30,000 most
frequent words. Also evaluates other word2vec files with the same evaluator (e.g. contrast4j's vectors.txt).

usage: gensim_word2vec.py CORPUS QUESTIONS OUT_JSON [--threads N] [--epochs E] [--seed S] [--evaluate FILE ...]
Run with Debian's python3-gensim (/usr/bin/python3).
"""
import argparse
import json
import time

import gensim
from gensim.models import KeyedVectors, Word2Vec


def analogies(kv, questions):
    score, sections = kv.evaluate_word_analogies(questions, restrict_vocab=30000)
    seen = sum(len(s["correct"]) + len(s["incorrect"]) for s in sections if s["section"] == "Total accuracy")
    return float(score), int(seen)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("corpus")
    p.add_argument("questions")
    p.add_argument("out")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--evaluate", nargs="*", default=[])
    a = p.parse_args()
    result = {"gensim_version": gensim.__version__}
    if a.corpus != "-":
        t0 = time.time()
        with open(a.corpus, encoding="utf-8") as f:
            sentences = [line.split() for line in f if line.strip()]
        read = time.time() - t0
        model = Word2Vec(sg=1, negative=5, window=5, vector_size=100, sample=1e-4, min_count=5, epochs=a.epochs,
                         workers=a.threads, seed=a.seed)
        t1 = time.time()
        model.build_vocab(sentences)
        t2 = time.time()
        model.train(sentences, total_examples=model.corpus_count, epochs=a.epochs)
        seconds = time.time() - t2
        kv = model.wv
        tokens = int(sum(int(kv.get_vecattr(w, "count")) for w in kv.index_to_key))
        acc, seen = analogies(kv, a.questions)
        result.update({"read_seconds": read, "vocab_seconds": t2 - t1, "seconds": seconds, "vocabulary": len(kv),
                       "tokens": tokens, "raw_tokens": int(model.corpus_total_words),
                       "words_per_second": tokens * a.epochs / seconds, "analogy_accuracy": acc,
                       "analogy_seen": seen})
    result["evaluated"] = {}
    for path in a.evaluate:
        acc, seen = analogies(KeyedVectors.load_word2vec_format(path, binary=False), a.questions)
        result["evaluated"][path] = {"analogy_accuracy": acc, "analogy_seen": seen}
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
