"""The benchmark corpus: the seed articles (with their gold reference dates), repeated to a size.

Shared by the benchmark scripts so every figure is measured on the same texts.
Sizes are UTF-8 megabytes (10**6 bytes), the unit an archive is measured in on
disk; a Chinese character is three bytes, so 1 MB is about 340 k characters.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpus" / "seeds"
GOLD = ROOT / "corpus" / "gold"

Article = tuple[str, str | None]  # (text, reference_date)


def seed_articles() -> list[Article]:
    """Every seed text with the reference date of its gold file (None when there is no gold)."""
    articles = []
    for path in sorted(SEEDS.glob("*.txt")):
        gold = GOLD / f"{path.stem}.json"
        gold_data = json.loads(gold.read_text(encoding="utf-8")) if gold.is_file() else {}
        reference = gold_data.get("reference_date")
        articles.append((path.read_text(encoding="utf-8"), reference))
    if not articles:
        raise SystemExit(f"no seed texts in {SEEDS}")
    return articles


def corpus(size_mb: float) -> list[Article]:
    """The seed articles in turn, repeated until their UTF-8 size reaches ``size_mb``."""
    seeds, articles, size = seed_articles(), [], 0
    while size < size_mb * 1e6:
        text, reference = seeds[len(articles) % len(seeds)]
        articles.append((text, reference))
        size += len(text.encode("utf-8"))
    return articles


def chars(articles: Iterable[Article]) -> int:
    return sum(len(text) for text, _ in articles)


def best_seconds(repeats: int, *runs: Callable[[], object],
                 clock: Callable[[], float] = time.perf_counter) -> list[float]:
    """The fastest of ``repeats`` runs of each: the least disturbed by the rest of the machine.

    Several runs are interleaved, so a busy spell on the machine slows them alike; each timed
    run follows an untimed run of the same work, so it finds its own data in the CPU caches as
    in a batch run of it alone (measured here: jieba.lcut right after extract is ~20 % slower
    than after itself, extract ~3 %, so bare interleaving flattered the extract/jieba ratio).
    ``clock`` is wall time by default (work in other processes counts); ``time.process_time``
    counts only this process's CPU, which other jobs on a shared machine barely move.
    """
    best = [float("inf")] * len(runs)
    for _ in range(repeats):
        for i, run in enumerate(runs):
            run()
            start = clock()
            run()
            best[i] = min(best[i], clock() - start)
    return best


def extract_all(articles: list[Article]) -> None:
    """``extract`` over every article, the way a batch run calls it."""
    from gonghui_extract import extract

    for text, reference in articles:
        extract(text, reference_date=reference)


def lcut_all(articles: list[Article]) -> None:
    """``jieba.lcut`` over every article: the speed the pipeline is held to."""
    import jieba

    for text, _ in articles:
        jieba.lcut(text)


def warm_up(articles: list[Article]) -> None:
    """Load jieba's dictionary and the pipeline's rules before anything is timed."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    extract_all(articles[:1])
    lcut_all(articles[:1])


def rate(n_chars: int, seconds: float) -> str:
    return f"{n_chars / seconds / 1e3:,.0f} k chars/s" if seconds > 0 else "∞"
