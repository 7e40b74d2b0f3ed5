"""Scaling from 1 to 2 worker processes: ``extract`` over the same seed corpus in a ProcessPoolExecutor.

Independent of the batch runner: plain concurrent.futures over ``extract``,
each Document pickled back to the parent as a batch run would collect it.
Each pool's first pass ("cold") includes starting the processes and loading
the rules; later passes ("warm", best of ``--repeats``) are the steady rate.
The speed-up is the 1-worker time over the N-worker time (ideal: N, at most
the machine's free cores); in-process is the same work with no pool at all,
so its gap to 1 worker is the cost of shipping texts and records.

    python benchmarks/scaling.py [--size-mb 2] [--workers 1 2] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor

from seed_corpus import Article, best_seconds, chars, corpus, extract_all, rate, warm_up

from gonghui_extract import Document, default_pipeline, extract


def extract_article(article: Article) -> Document:
    text, reference = article
    return extract(text, reference_date=reference)


def pool_seconds(articles: list[Article], workers: int, repeats: int) -> tuple[float, float]:
    """(cold, warm) seconds for extracting ``articles`` with a pool of ``workers`` processes."""
    chunksize = max(1, len(articles) // (8 * workers))

    with ProcessPoolExecutor(max_workers=workers, initializer=default_pipeline) as pool:
        def run() -> None:
            for _ in pool.map(extract_article, articles, chunksize=chunksize):
                pass

        start = time.perf_counter()
        run()
        cold = time.perf_counter() - start
        return cold, best_seconds(repeats, run)[0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=2.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    articles = corpus(args.size_mb)
    n_chars = chars(articles)
    print(f"corpus: {len(articles)} articles, {n_chars:,} chars; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    warm_up(articles)
    (inline,) = best_seconds(args.repeats, lambda: extract_all(articles))
    print(f"  {'in-process':<12} warm {inline:7.3f} s  {rate(n_chars, inline)}")
    base = None
    for workers in args.workers:
        cold, warm = pool_seconds(articles, workers, args.repeats)
        base = base or (cold, warm)
        print(f"  {f'{workers} worker(s)':<12} warm {warm:7.3f} s  {rate(n_chars, warm)}"
              f"   speed-up {base[1] / warm:.2f}x   | cold {cold:7.3f} s, speed-up {base[0] / cold:.2f}x")


if __name__ == "__main__":
    main()
