"""Throughput of extract() against jieba.lcut on the same ~1 MB of union press, in one run.

    python benchmarks/throughput.py [--size-mb 1.0]

Prints characters per second of both and their ratio (extract must stay faster than
segmenting the text), and, measured in a fresh interpreter, the import time of the
library and the time of its first call (rules load and patterns compile then).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

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


def timed(fn, text: str) -> tuple[float, float]:
    """(wall, CPU) seconds of ``fn(text)``; CPU time is steadier on a shared machine."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn(text)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=float, default=1.0, help="size of the text in millions of characters")
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
    ours = timed(lambda t: gonghui_extract.extract(t, reference_date="2023-11-15"), text)
    theirs = timed(jieba.lcut, text)
    doc = gonghui_extract.extract(text, reference_date="2023-11-15")
    print(f"text                     {len(text):,} chars, {len(doc.metrics):,} metrics, "
          f"{len(doc.dates):,} dates, {len(doc.organisations):,} organisations")
    for name, (wall, cpu) in (("extract()", ours), ("jieba.lcut()", theirs)):
        print(f"{name:<25}{len(text) / cpu:,.0f} chars/s CPU ({cpu:.2f} s CPU, {wall:.2f} s wall)")
    print(f"extract / jieba speed    {theirs[1] / ours[1]:.2f}x CPU, {theirs[0] / ours[0]:.2f}x wall")
    return 0


if __name__ == "__main__":
    sys.exit(main())
