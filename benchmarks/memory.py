"""Peak memory (RSS) of extracting a ~1 MB and a ~10 MB seed corpus, each in a fresh process.

Two ways of feeding the same corpus: ``articles`` calls ``extract`` per article
and drops each Document (how a streaming batch run works), ``one text`` passes
the whole corpus as a single string (a huge file given as is).  Peak RSS comes
from ``resource.getrusage`` in the child, read after import, after the corpus
is in memory, and after extraction; "extraction adds" is the last minus the
one before, the memory the pipeline itself needs.

    python benchmarks/memory.py [--sizes 1 10]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

MODES = ("articles", "one text")

CHILD = """
import json, resource, sys
sys.path.insert(0, {benchmarks!r})
size_mb, mode = json.loads(sys.argv[1])
peak_mb = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
import gonghui_extract
from seed_corpus import chars, corpus
gonghui_extract.default_pipeline()
after_import = peak_mb()
articles = corpus(size_mb)
if mode == "one text":
    articles = [("".join(text for text, _ in articles), articles[0][1])]
after_corpus = peak_mb()
for text, reference in articles:
    gonghui_extract.extract(text, reference_date=reference)
print(json.dumps({{"chars": chars(articles), "after import": after_import, "with corpus": after_corpus,
                  "after extraction": peak_mb()}}))
"""


def measure(size_mb: float, mode: str) -> dict:
    """Peak RSS figures (MB) of one fresh process extracting ``size_mb`` of seed text in ``mode``."""
    child = CHILD.format(benchmarks=str(Path(__file__).resolve().parent))
    done = subprocess.run([sys.executable, "-c", child, json.dumps([size_mb, mode])],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1.0, 10.0], help="corpus sizes in MB")
    args = parser.parse_args(argv)
    print(f"{'corpus':>8} {'mode':<9} {'chars':>11} {'after import':>13} {'with corpus':>12}"
          f" {'peak':>8} {'extraction adds':>16}   (peak RSS, MB)")
    for size_mb in args.sizes:
        for mode in MODES:
            m = measure(size_mb, mode)
            print(f"{size_mb:>6g}MB {mode:<9} {m['chars']:>11,} {m['after import']:>13.1f}"
                  f" {m['with corpus']:>12.1f} {m['after extraction']:>8.1f}"
                  f" {m['after extraction'] - m['with corpus']:>16.1f}")


if __name__ == "__main__":
    main()
