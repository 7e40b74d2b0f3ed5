"""Throughput of extract() against jieba.lcut on the same ~1 MB of union press, in one run.

    python benchmarks/throughput.py [--size-mb 1.0] [--repeats 3]

Prints characters per second of both and their ratio (extract must stay faster than
segmenting the text), and, measured in a fresh interpreter, the import time of the
library and the time of its first call (rules load and patterns compile then).
Each is the best CPU time of ``--repeats`` interleaved runs (see seed_corpus.best_seconds):
one run of each moved the ratio by up to 20 % between runs on this shared machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from seed_corpus import best_seconds

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"

_COLD = """
import json, time
t0 = time.perf_counter()
import gonghui_extract
t1 = time.perf_counter()
gonghui_extract.extract("五年来，新组建工会超280家，发放帮扶救助金523.4万元。", reference_date="2023-11-15")
t2 = time.perf_counter()
gonghui_extract.extract("新发展会员近2.1万人。", reference_date="2023-11-15")
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "first_call": t2 - t1, "second_call": t3 - t2}))
"""


def corpus(size_chars: int) -> str:
    """The seed articles repeated until the text has ``size_chars`` characters."""
    seeds = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    return (seeds * (size_chars // len(seeds) + 1))[:size_chars]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=float, default=1.0, help="size of the text in millions of characters")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each; the fastest counts")
    args = ap.parse_args()
    cold = json.loads(subprocess.run([sys.executable, "-c", _COLD], check=True, capture_output=True,
                                     text=True).stdout)
    print(f"import gonghui_extract   {cold['import']:.3f} s")
    print(f"first extract() call     {cold['first_call']:.3f} s (second {cold['second_call'] * 1000:.1f} ms)")

    import jieba

    import gonghui_extract

    jieba.setLogLevel(60)
    text = corpus(int(args.size_mb * 1_000_000))
    gonghui_extract.extract("预热", reference_date="2023-11-15")
    jieba.lcut("预热")
    ours, theirs = best_seconds(args.repeats,
                                lambda: gonghui_extract.extract(text, reference_date="2023-11-15"),
                                lambda: jieba.lcut(text), clock=time.process_time)
    doc = gonghui_extract.extract(text, reference_date="2023-11-15")
    print(f"text                     {len(text):,} chars, {len(doc.metrics):,} metrics, "
          f"{len(doc.dates):,} dates, {len(doc.organisations):,} organisations")
    for name, cpu in (("extract()", ours), ("jieba.lcut()", theirs)):
        print(f"{name:<25}{len(text) / cpu:,.0f} chars/s CPU ({cpu:.2f} s CPU, best of {args.repeats})")
    print(f"extract/jieba time ratio {ours / theirs:.3f} (extract is {theirs / ours:.2f}x jieba's speed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
