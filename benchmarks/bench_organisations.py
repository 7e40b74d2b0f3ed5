"""Organisations throughput on the seed articles, against jieba.lcut over the same text.

    python benchmarks/bench_organisations.py

Prints milliseconds per article for the organisations component alone (after
normalise and segment), and the ratio to jieba.lcut (after jieba's own warm-up).
"""

from __future__ import annotations

import time
from pathlib import Path

from gonghui_extract.dimensions.organisations import find_organisations
from gonghui_extract.pipeline import Pipeline

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"
ROUNDS = 10


def per_text(fn, texts) -> float:
    start = time.perf_counter()
    for _ in range(ROUNDS):
        for text in texts:
            fn(text)
    return (time.perf_counter() - start) / (ROUNDS * len(texts)) * 1000


def main() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    start = time.perf_counter()
    pipeline = Pipeline(components=["normalise", "segment"])
    docs = {t: pipeline.doc(t) for t in texts}
    find_organisations(docs[texts[0]], pipeline.rules)
    print(f"first call (rules, gazetteer, patterns): {(time.perf_counter() - start) * 1000:.0f} ms")

    def organisations(text: str) -> None:
        doc = docs[text]
        doc.candidates.clear()
        find_organisations(doc, pipeline.rules)

    ours = per_text(organisations, texts)
    print(f"organisations: {ours:.1f} ms per article ({sum(map(len, texts)) // len(texts)} chars)")
    try:
        import jieba
    except ImportError:
        return
    jieba.setLogLevel(60)
    jieba.initialize()
    theirs = per_text(jieba.lcut, texts)
    print(f"jieba.lcut: {theirs:.1f} ms per article; organisations takes {ours / theirs:.2f} of it")


if __name__ == "__main__":
    main()
