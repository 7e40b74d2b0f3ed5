"""Throughput of decode, normalise and segment on the seed corpus repeated to ~1 MB, beside jieba.lcut.

    python benchmarks/bench_articles.py [--megabytes 1]

Prints characters per second of each stage and the ratio to jieba.lcut over
the same text (the pipeline as a whole must beat jieba).  Numbers, not
assertions: speed is measured here, never in unit tests.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from gonghui_extract import Pipeline
from gonghui_extract.decode import decode_bytes

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"


def timed(fn, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=1.0)
    args = parser.parse_args()
    corpus = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    text = corpus * max(1, int(args.megabytes * 1_000_000 // len(corpus)))
    n = len(text)
    first_call, _ = timed(Pipeline(components=["normalise", "segment"]).doc, "工会")
    normalise_only = Pipeline(components=["normalise"])
    articles = Pipeline(components=["normalise", "segment"])
    normalise_only.doc(corpus), articles.doc(corpus)  # warm: tables for these characters built once
    rows = [
        ("decode (GB18030 bytes)", timed(decode_bytes, text.encode("gb18030"), "bench")[0]),
        ("decode (UTF-8 bytes)", timed(decode_bytes, text.encode("utf-8"), "bench")[0]),
        ("normalise", timed(normalise_only.doc, text)[0]),
        ("normalise + segment", timed(articles.doc, text)[0]),
    ]
    try:
        import jieba

        jieba.initialize()
        rows.append(("jieba.lcut (reference)", timed(jieba.lcut, text)[0]))
    except ImportError:
        pass
    print(f"{n:,} characters; first call of a fresh pipeline {first_call * 1000:.0f} ms")
    jieba_s = dict(rows).get("jieba.lcut (reference)")
    for name, seconds in rows:
        ratio = f"  {jieba_s / seconds:5.1f}x jieba" if jieba_s else ""
        print(f"{name:26} {seconds:7.3f} s  {n / seconds / 1e6:6.2f} M chars/s{ratio}")


if __name__ == "__main__":
    main()
