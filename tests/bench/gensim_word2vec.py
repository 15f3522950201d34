"""Trains gensim Word2Vec (skip-gram, negative sampling) on a sessions file for
the quality benchmark and writes the vectors in word2vec text format.

Usage: python3 gensim_word2vec.py INPUT OUTPUT PARAMS_JSON
PARAMS_JSON keys: dim, window, negatives, epochs, lr, minCount, sample,
nsExponent, seed, shrinkWindows. Prints one JSON line: {"seconds": ...}.
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
    start = time.perf_counter()
    model = Word2Vec(
        sentences=sentences,
        sg=1,
        hs=0,
        vector_size=p["dim"],
        window=p["window"],
        negative=p["negatives"],
        epochs=p["epochs"],
        alpha=p["lr"],
        min_alpha=p["lr"] * 1e-4,
        min_count=p["minCount"],
        sample=p["sample"],
        ns_exponent=p["nsExponent"],
        seed=p["seed"],
        shrink_windows=p.get("shrinkWindows", True),
        workers=1,
    )
    seconds = time.perf_counter() - start
    model.wv.save_word2vec_format(target)
    print(json.dumps({"seconds": seconds, "vocab": len(model.wv)}))


if __name__ == "__main__":
    main()
