"""Trains gensim Word2Vec (skip-gram, negative sampling) on a sessions file for
the quality benchmark and writes the vectors in word2vec text format.

Usage: python3 gensim_word2vec.py INPUT OUTPUT PARAMS_JSON
PARAMS_JSON keys: dim, window, negatives, epochs, lr, minCount, sample,
nsExponent, seed, and optionally minAlpha (default lr * 1e-4, the decay floor
of word2vec and of our trainer) and shrinkWindows (default true).
Prints one JSON line: seconds of training, vocabulary size, and the tokens
trained on after subsampling over all epochs (gensim's "effective words").
"""

import json
import sys
import time

from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence


def main() -> None:
    source, target, raw = sys.argv[1], sys.argv[2], sys.argv[3]
    p = json.loads(raw)
    sentences = LineSentence(source)
    model = Word2Vec(
        sg=1,
        hs=0,
        vector_size=p["dim"],
        window=p["window"],
        negative=p["negatives"],
        epochs=p["epochs"],
        alpha=p["lr"],
        min_alpha=p.get("minAlpha", p["lr"] * 1e-4),
        min_count=p["minCount"],
        sample=p["sample"],
        ns_exponent=p["nsExponent"],
        seed=p["seed"],
        shrink_windows=p.get("shrinkWindows", True),
        workers=1,
    )
    model.build_vocab(sentences)
    start = time.perf_counter()
    effective, raw_words = model.train(
        sentences,
        total_examples=model.corpus_count,
        epochs=model.epochs,
    )
    seconds = time.perf_counter() - start
    model.wv.save_word2vec_format(target)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "vocab": len(model.wv),
                "effectiveWords": effective,
                "rawWords": raw_words,
            }
        )
    )


if __name__ == "__main__":
    main()
