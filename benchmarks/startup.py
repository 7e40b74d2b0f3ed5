"""Slow first calls: import time and first-call time of ``gonghui_extract.extract`` in fresh processes.

Each run is a new interpreter that imports the package, builds the default
pipeline (loads and validates the rules, imports the component modules),
extracts one seed article, then extracts it again.  Every step is timed in the
child; the script prints the median and range over ``--runs`` runs, which
heavy libraries were loaded after import and after the first call, and, from
one ``python -X importtime`` run, the top-level packages whose imports cost the
most.  The second call is the steady state: first call minus second call is
the one-off cost a user pays.

    python benchmarks/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict

from seed_corpus import seed_articles

#: libraries that would make a first call slow if loaded when they are not needed
HEAVY = ("spacy", "thinc", "torch", "jieba", "numpy", "pandas", "pyarrow", "pyspark",
         "pydantic", "yaml", "regex")

CHILD = """
import json, sys, time
text, reference = json.loads(sys.stdin.read())
heavy = {heavy!r}
loaded = lambda: sorted(m for m in heavy if m in sys.modules)
t0 = time.perf_counter()
import gonghui_extract
t1 = time.perf_counter()
after_import = loaded()
gonghui_extract.default_pipeline()
t2 = time.perf_counter()
gonghui_extract.extract(text, reference_date=reference)
t3 = time.perf_counter()
gonghui_extract.extract(text, reference_date=reference)
t4 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "pipeline build": t2 - t1, "first extract": t3 - t2,
                  "second extract": t4 - t3, "after_import": after_import, "after_first_call": loaded()}}))
"""


def run_child(article: tuple[str, str | None], *flags: str) -> tuple[dict, str, float]:
    """One fresh interpreter: its own timings, its stderr, and the parent's wall time for it."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *flags, "-c", CHILD.format(heavy=HEAVY)],
                          input=json.dumps(article), capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1]), done.stderr, time.perf_counter() - start


def import_costs(importtime_log: str, top: int) -> list[tuple[str, float]]:
    """Self time of every import (-X importtime) summed per top-level package, largest first."""
    per_package: dict[str, float] = defaultdict(float)
    for line in importtime_log.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = (part.strip() for part in line[len("import time:"):].split("|"))
        per_package[name.split(".")[0]] += int(self_us) / 1e6
    return sorted(per_package.items(), key=lambda item: -item[1])[:top]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--top", type=int, default=10, help="packages listed from the import-time run")
    args = parser.parse_args(argv)
    article = seed_articles()[0]
    results = [run_child(article) for _ in range(args.runs)]
    timings = [r for r, _, _ in results]
    print(f"{args.runs} fresh processes, one seed article ({len(article[0]):,} chars)")
    rows = {step: [t[step] for t in timings] for step in ("import", "pipeline build", "first extract",
                                                          "second extract")}
    rows["import + first call"] = [t["import"] + t["pipeline build"] + t["first extract"] for t in timings]
    rows["process wall (incl. interpreter)"] = [wall for _, _, wall in results]
    for step, values in rows.items():
        print(f"  {step:<34} median {statistics.median(values) * 1e3:8.1f} ms"
              f"   (min {min(values) * 1e3:.1f}, max {max(values) * 1e3:.1f})")
    print(f"  heavy modules after import:      {', '.join(timings[0]['after_import']) or 'none'}")
    print(f"  heavy modules after first call:  {', '.join(timings[0]['after_first_call']) or 'none'}")
    _, log, _ = run_child(article, "-X", "importtime")
    print("import time by top-level package (self time summed, one -X importtime run incl. first call):")
    for package, seconds in import_costs(log, args.top):
        print(f"  {package:<24} {seconds * 1e3:7.1f} ms")


if __name__ == "__main__":
    main()
