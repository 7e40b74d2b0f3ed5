"""Time of the dates component against jieba.lcut over the same texts (a ratio, not a test).

    python benchmarks/dates_speed.py [texts folder, default corpus/seeds] [rounds]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import jieba

from gonghui_extract import Pipeline


def per_text(run, texts: list[str], rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            run(text)
    return (time.perf_counter() - start) / (rounds * len(texts))


def main() -> None:
    seeds = Path(__file__).resolve().parents[1] / "corpus" / "seeds"
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else seeds
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    start = time.perf_counter()
    dates_only = Pipeline(components=["normalise", "segment", "dates"])
    dates_only("2023年5月")
    first = time.perf_counter() - start
    jieba.lcut("预热")
    ours = per_text(lambda t: dates_only(t, "2023-11-15"), texts, rounds)
    theirs = per_text(jieba.lcut, texts, rounds)
    print(f"first call (load rules, compile grammar): {first * 1000:.0f} ms")
    print(f"normalise+segment+dates: {ours * 1000:.2f} ms/text; jieba.lcut: {theirs * 1000:.2f} ms/text; "
          f"ratio {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
