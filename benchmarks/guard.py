"""Regression guard: extract's time over jieba.lcut's time on the same texts, against a stored baseline.

A time in seconds says as much about the machine as about the code, so the
guard never compares one: it times ``extract`` and ``jieba.lcut`` over the same
articles in the same run (interleaved, best of N each) and compares their
RATIO with the ratio in baseline.json.  Exit status 1 when the ratio is worse
than the baseline by more than the tolerance (or above ``--ceiling``), else 0.

    python benchmarks/guard.py                 # check
    python benchmarks/guard.py --ceiling 1.0   # also require extract ≤ jieba.lcut
    python benchmarks/guard.py --update        # store this run's ratio as the baseline

From Python (e.g. a test with a small corpus), with benchmarks/ on sys.path:
``guard.check(guard.corpus(0.05), repeats=1)`` returns a Verdict.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from seed_corpus import Article, best_seconds, chars, corpus, extract_all, lcut_all, warm_up

BASELINE = Path(__file__).with_name("baseline.json")
DEFAULT_TOLERANCE = 0.25


@dataclass(frozen=True)
class Verdict:
    """This run's ratio, what it is held to, and whether it passes."""

    ratio: float
    baseline: float
    tolerance: float
    ceiling: float | None = None

    @property
    def limit(self) -> float:
        return self.baseline * (1 + self.tolerance)

    @property
    def ok(self) -> bool:
        return self.ratio <= self.limit and (self.ceiling is None or self.ratio <= self.ceiling)

    def __str__(self) -> str:
        ceiling = f", ceiling {self.ceiling:.3f}" if self.ceiling is not None else ""
        return (f"extract/jieba.lcut time ratio {self.ratio:.3f} (baseline {self.baseline:.3f}, "
                f"limit {self.limit:.3f} at +{self.tolerance:.0%}{ceiling}): "
                + ("ok" if self.ok else "REGRESSION"))


def measure_ratio(articles: list[Article], repeats: int = 5) -> float:
    """extract CPU time / jieba.lcut CPU time over ``articles``, each the best of ``repeats``
    interleaved runs (CPU time: both run in this one process, and other jobs barely move it)."""
    warm_up(articles)
    extract_seconds, lcut_seconds = best_seconds(repeats, lambda: extract_all(articles),
                                                 lambda: lcut_all(articles), clock=time.process_time)
    return extract_seconds / lcut_seconds


def load_baseline(path: Path = BASELINE) -> dict:
    if not path.is_file():
        raise SystemExit(f"no baseline at {path}; create one with --update")
    return json.loads(path.read_text(encoding="utf-8"))


def check(articles: list[Article], *, baseline_path: Path = BASELINE, tolerance: float | None = None,
          ceiling: float | None = None, repeats: int = 5) -> Verdict:
    """Measure this run's ratio on ``articles`` and judge it against the stored baseline."""
    stored = load_baseline(baseline_path)
    return Verdict(ratio=measure_ratio(articles, repeats), baseline=stored["ratio"],
                   tolerance=stored.get("tolerance", DEFAULT_TOLERANCE) if tolerance is None else tolerance,
                   ceiling=ceiling)


def write_baseline(ratio: float, size_mb: float, repeats: int, tolerance: float,
                   path: Path = BASELINE) -> None:
    path.write_text(json.dumps({
        "ratio": round(ratio, 4),
        "tolerance": tolerance,
        "size_mb": size_mb,
        "repeats": repeats,
        "measured_on": f"{platform.python_implementation()} {platform.python_version()} {platform.machine()}",
        "note": "extract time / jieba.lcut time on the same seed corpus in the same run; "
                "update with benchmarks/guard.py --update after an intended change",
    }, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float,
                        help="corpus size in UTF-8 MB of seed texts (default: the baseline's, else 1)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each side; the best counts")
    parser.add_argument("--tolerance", type=float, help="allowed worsening over the baseline (0.25 = 25%%)")
    parser.add_argument("--ceiling", type=float, help="also fail when the ratio is above this (e.g. 1.0)")
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--update", action="store_true", help="store this run's ratio as the baseline")
    args = parser.parse_args(argv)
    stored = {} if args.update else load_baseline(args.baseline)
    size_mb = args.size_mb or stored.get("size_mb", 1.0)  # the ratio drifts with size: compare like with like
    articles = corpus(size_mb)
    print(f"corpus: {len(articles)} articles, {chars(articles):,} chars ({size_mb} MB)")
    if args.update:
        ratio = measure_ratio(articles, args.repeats)
        tolerance = DEFAULT_TOLERANCE if args.tolerance is None else args.tolerance
        write_baseline(ratio, size_mb, args.repeats, tolerance, args.baseline)
        print(f"baseline ratio {ratio:.3f} stored in {args.baseline}")
        return 0
    verdict = check(articles, baseline_path=args.baseline, tolerance=args.tolerance,
                    ceiling=args.ceiling, repeats=args.repeats)
    print(verdict)
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
