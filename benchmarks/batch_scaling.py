"""The batch runner itself from 1 to N workers: a synthetic archive extracted into SQLite.

``scaling.py`` measures ``extract`` in a bare process pool; this measures what a
user runs (``gonghui-extract extract ARCHIVE -o records.sqlite --workers N``):
reading folders and a zip, decoding, hashing, extracting in workers, writing
rows in the main process.  Each run writes a fresh database with ``--force``.
Besides wall time and chars/s it prints the main process's CPU seconds: on a
machine with as many cores as workers, that share is taken from the workers,
so it bounds the speed-up (ideal: N).

    python benchmarks/batch_scaling.py [--size-mb 20] [--archive DIR] [--workers 1 2] [--repeats 2]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import tempfile
import time
from pathlib import Path

from synthetic_archive import build

from gonghui_extract.runner import RunOptions, run


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed_run(archive: Path, workers: int, database: Path) -> tuple[float, float, int]:
    """(wall seconds, this process's CPU seconds, chars) of one run into a fresh database."""
    for leftover in database.parent.glob(database.name + "*"):
        leftover.unlink()
    wall, cpu = time.perf_counter(), cpu_seconds()
    summary = run(RunOptions([str(archive)], output=str(database), workers=workers, quiet=True, force=True),
                  stderr=io.StringIO())
    if summary.failed_count or summary.aborted:
        raise SystemExit(f"the run failed: {summary.report()}")
    return time.perf_counter() - wall, cpu_seconds() - cpu, summary.chars


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=20.0, help="size of the archive to build")
    parser.add_argument("--archive", type=Path, help="an existing archive folder instead of building one")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=2, help="runs per worker count; the fastest counts")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        archive = args.archive or Path(tmp) / "archive"
        if args.archive is None:
            build(archive, args.size_mb, zip_every=4)
        database = Path(tmp) / "records.sqlite"
        print(f"archive {archive}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
        base = None
        for workers in args.workers:
            wall, cpu, n_chars = min(timed_run(archive, workers, database) for _ in range(args.repeats))
            base = base or wall
            print(f"  {workers} worker(s): {wall:7.2f} s  {n_chars / wall / 1e3:7.0f} k chars/s  "
                  f"speed-up {base / wall:.2f}x   main process CPU {cpu:6.2f} s ({cpu / wall:.0%} of wall)")


if __name__ == "__main__":
    main()
