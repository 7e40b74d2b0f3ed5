"""Where extract's time goes: each pipeline component timed on its own over a ~1 MB seed corpus.

Wraps each component of the default pipeline in a timer (registered under
``timed:<name>``), runs that pipeline on every article, times ``build``
(candidates → pydantic records) too, and prints each one's chars/s and share
of the total, with jieba.lcut on the same articles for scale.  The component
at the top of the share column is the one to speed up.  Times are CPU seconds
(time.process_time): other jobs on a shared machine barely move them.

    python benchmarks/profile_pipeline.py [--size-mb 1] [--repeats 3]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from seed_corpus import best_seconds, chars, corpus, lcut_all, rate, warm_up

from gonghui_extract import Pipeline, default_pipeline
from gonghui_extract.build import to_document
from gonghui_extract.pipeline import COMPONENTS, Component, component

BUILD = "build (records)"
SETUP = "doc set-up"  # Pipeline.doc outside the components: Doc(), reference date


def _timed(name: str, spent: dict[str, float]) -> Component:
    step = COMPONENTS[name]

    def run(doc, rules) -> None:
        start = time.process_time()
        step(doc, rules)
        spent[name] += time.process_time() - start

    return run


def timed_pipeline(spent: dict[str, float]) -> Pipeline:
    """The default pipeline with every component wrapped to add its time to ``spent``."""
    names = default_pipeline().component_names
    for name in names:
        component(f"timed:{name}")(_timed(name, spent))
    return Pipeline(components=[f"timed:{name}" for name in names])


def profile_once(pipeline: Pipeline, spent: dict[str, float], articles) -> dict[str, float]:
    """Seconds spent in each component (and in building records) over one pass of all articles."""
    spent.clear()
    whole = 0.0
    for text, reference in articles:
        start = time.process_time()
        doc = pipeline.doc(text, reference)
        built = time.process_time()
        to_document(doc)
        spent[BUILD] += time.process_time() - built
        whole += built - start
    spent[SETUP] = whole - sum(seconds for name, seconds in spent.items() if name != BUILD)
    return dict(spent)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=3,
                        help="passes over the corpus; the best of each part counts")
    args = parser.parse_args(argv)
    articles = corpus(args.size_mb)
    n_chars = chars(articles)
    warm_up(articles)
    spent: dict[str, float] = defaultdict(float)
    pipeline = timed_pipeline(spent)
    runs = [profile_once(pipeline, spent, articles) for _ in range(args.repeats)]
    best = {name: min(run[name] for run in runs) for name in runs[0]}
    total = sum(best.values())
    (lcut,) = best_seconds(args.repeats, lambda: lcut_all(articles), clock=time.process_time)
    print(f"corpus: {len(articles)} articles, {n_chars:,} chars; best of {args.repeats} passes")
    print(f"{'component':<18}{'seconds':>10}{'share':>8}  speed")
    for name, seconds in sorted(best.items(), key=lambda item: -item[1]):
        print(f"{name:<18}{seconds:>10.4f}{seconds / total:>8.1%}  {rate(n_chars, seconds)}")
    print(f"{'pipeline total':<18}{total:>10.4f}{1:>8.0%}  {rate(n_chars, total)}")
    print(f"{'jieba.lcut':<18}{lcut:>10.4f}{'':>8}  {rate(n_chars, lcut)}"
          f"   (pipeline/jieba time ratio {total / lcut:.3f})")


if __name__ == "__main__":
    main()
