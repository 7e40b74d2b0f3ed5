"""Batch runs: inputs streamed through worker processes into a sink.

The main process reads sources in order, asks the sink which are already stored,
and sends chunks of raw bytes to the workers, keeping only a few chunks in
flight (memory stays flat however large the archive).  Workers decode, hash and
extract; results come back in submission order, so the output is the same with
one worker or many.  Each chunk's files are written in one transaction, which
is what makes Ctrl-C and resume safe.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, islice
from typing import IO, Any, BinaryIO, Literal, TextIO

from .decode import decode_bytes
from .pipeline import Pipeline, parse_reference
from .progress import Progress, human
from .sinks import ExtractedFile, Sink, SinkError, article_records, open_sink
from .sinks.rows import RECORD_KINDS
from .sources import InputError, Source, check_inputs, iter_sources, total_bytes

#: a chunk (one task for a worker) closes at this many files or bytes, whichever comes first
CHUNK_FILES = 16
CHUNK_BYTES = 1 << 20
#: failures listed in the summary (memory stays flat however many files fail)
FAILURES_SHOWN = 20
#: chunks in flight per worker: enough to keep workers busy, few enough to keep memory flat
IN_FLIGHT_PER_WORKER = 2


def default_workers() -> int:
    """The cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@dataclass
class RunOptions:
    """What `gonghui-extract extract` was asked to do."""

    inputs: list[str]
    output: str | None = None
    reference_date: date | str | None = None
    workers: int | None = None
    force: bool = False
    quiet: bool = False
    error_log: str | None = None
    rules: list[str] = field(default_factory=list)
    log_every: float = 10.0


@dataclass
class Outcome:
    """What became of one source."""

    source: str
    status: Literal["extracted", "skipped", "failed"]
    nbytes: int
    chars: int = 0
    content_hash: str | None = None
    encoding: str | None = None
    articles: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


@dataclass
class Summary:
    """Counts of a run, for the progress line, the final report and the exit code."""

    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    files: int = 0
    skipped: int = 0
    articles: int = 0
    chars: int = 0
    bytes_read: int = 0
    #: bytes of files skipped as already stored: read in no time, so they say nothing of the rate
    bytes_skipped: int = 0
    records: Counter = field(default_factory=Counter)
    failed_count: int = 0
    #: the first failures (source, reason), for the summary; all of them go to --error-log
    failures: list[tuple[str, str]] = field(default_factory=list)
    interrupted: bool = False
    #: why the run stopped early other than Ctrl-C (a worker process died)
    aborted: str | None = None

    @property
    def record_total(self) -> int:
        return sum(self.records.values())

    def elapsed(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def chars_per_second(self) -> float:
        elapsed = self.elapsed()
        return self.chars / elapsed if elapsed else 0.0

    def seconds_left(self, total_bytes: int) -> float | None:
        """The time the rest of the input will take at the rate of the files extracted so far."""
        worked = self.bytes_read - self.bytes_skipped
        if not worked:
            return None
        return max(total_bytes - self.bytes_read, 0) * self.elapsed() / worked

    def add(self, outcome: Outcome) -> None:
        self.files += 1
        self.bytes_read += outcome.nbytes
        self.chars += outcome.chars
        if outcome.status == "skipped":
            self.skipped += 1
            self.bytes_skipped += outcome.nbytes
        elif outcome.status == "failed":
            self.failed_count += 1
            if len(self.failures) < FAILURES_SHOWN:
                self.failures.append((outcome.source, outcome.error or "unknown error"))
        for article in outcome.articles:
            self.articles += 1
            for kind in RECORD_KINDS:
                self.records[kind] += len(article[kind])

    def report(self) -> str:
        """The short summary printed at the end of a run."""
        extracted = self.files - self.skipped - self.failed_count
        stopped = "INTERRUPTED after " if self.interrupted else "ABORTED after " if self.aborted else ""
        lines = [f"gonghui-extract: {stopped}"
                 f"{self.files:,} files ({extracted:,} extracted, {self.skipped:,} already stored, "
                 f"{self.failed_count:,} failed) in {self.elapsed():.1f} s, "
                 f"{human(self.chars_per_second())} chars/s",
                 f"  {self.articles:,} articles; records: "
                 + ", ".join(f"{self.records[k]:,} {k}" for k in RECORD_KINDS)]
        if self.aborted:
            lines.append(f"  {self.aborted}; what finished is stored, run again to resume")
        lines += [f"  FAILED {source}: {reason}" for source, reason in self.failures]
        unlisted = self.failed_count - len(self.failures)
        if unlisted:
            lines.append(f"  ... and {unlisted:,} more failures (see --error-log)")
        return "\n".join(lines)


def extract_source(pipeline: Pipeline, reference: date | None, name: str, data: bytes,
                   stored: frozenset[str] = frozenset()) -> Outcome:
    """Decode, hash and extract one source; a file already stored (same hash) is skipped."""
    try:
        decoded = decode_bytes(data, name)
    except ValueError as exc:
        return Outcome(name, "failed", len(data), error=f"decode: {exc}")
    content_hash = hashlib.sha256(decoded.text.encode("utf-8")).hexdigest()
    if content_hash in stored:
        return Outcome(name, "skipped", len(data), content_hash=content_hash)
    try:
        doc = pipeline(decoded.text, reference)
    except Exception as exc:  # one bad text must not end an archive run; it is reported instead
        return Outcome(name, "failed", len(data), error=f"extract: {type(exc).__name__}: {exc}")
    return Outcome(name, "extracted", len(data), chars=len(decoded.text), content_hash=content_hash,
                   encoding=decoded.encoding,
                   articles=article_records(doc, name, content_hash, decoded.encoding))


#: a unit of work: (name, bytes, read error, hashes the sink already holds for the name)
Task = tuple[str, bytes, "str | None", frozenset[str]]

#: the pipeline and reference date this process extracts with
_WORKER: tuple[Pipeline, date | None] | None = None


def _run_task(task: Task) -> Outcome:
    assert _WORKER is not None
    pipeline, reference = _WORKER
    name, data, read_error, stored = task
    if read_error:
        return Outcome(name, "failed", len(data), error=read_error)
    return extract_source(pipeline, reference, name, data, stored)


def _run_chunk(chunk: list[Task]) -> list[Outcome]:
    return [_run_task(task) for task in chunk]


def _init_worker(rules: tuple[str, ...], reference: date | None) -> None:
    """Ctrl-C is the parent's to handle; each worker loads the rules once and dies with the parent."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    _WORKER = (Pipeline(rules=["default", *rules]), reference)


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    """A run killed with SIGKILL cannot stop its workers, so they watch it and leave with it."""
    parent.join()
    os._exit(1)


def _pool_context() -> multiprocessing.context.BaseContext:
    """Workers forked from a clean server process (the library preloaded there, once).

    Forking the run's own process would copy the threads of pyarrow, database
    drivers or the progress bar mid-lock, and can deadlock; spawn where there is
    no fork server.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")


class Extractor:
    """Runs chunks of tasks in this process or in worker processes, yielding results in input order.

    The workers start only once a second chunk exists: a small job never pays
    for a process pool.
    """

    def __init__(self, pipeline: Pipeline, rules: tuple[str, ...], reference: date | None, workers: int):
        global _WORKER
        _WORKER = (pipeline, reference)
        self._rules, self._reference, self._workers = rules, reference, workers
        self._pool: ProcessPoolExecutor | None = None

    def map(self, chunks: Iterable[list[Task]]) -> Iterator[list[Outcome]]:
        chunks = iter(chunks)
        head = list(islice(chunks, 2))
        if self._workers <= 1 or len(head) < 2:
            yield from map(_run_chunk, chain(head, chunks))
            return
        self._pool = ProcessPoolExecutor(self._workers, mp_context=_pool_context(),
                                         initializer=_init_worker, initargs=(self._rules, self._reference))
        window: deque[Future] = deque()
        for chunk in chain(head, chunks):
            window.append(self._pool.submit(_run_chunk, chunk))
            if len(window) >= self._workers * IN_FLIGHT_PER_WORKER:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            # after Ctrl-C: drop queued chunks; running ones end within a chunk's time
            self._pool.shutdown(wait=exc[0] is None, cancel_futures=True)


def _chunks(sources: Iterator[Source], sink: Sink, force: bool) -> Iterator[list[Task]]:
    """Group sources into chunks, attaching the hashes the sink holds for each (resume)."""
    chunk: list[Source] = []
    size = 0
    for source in sources:
        chunk.append(source)
        size += len(source.data)
        if len(chunk) >= CHUNK_FILES or size >= CHUNK_BYTES:
            yield _tasks(chunk, sink, force)
            chunk, size = [], 0
    if chunk:
        yield _tasks(chunk, sink, force)


def _tasks(chunk: list[Source], sink: Sink, force: bool) -> list[Task]:
    stored = {} if force or not sink.resumable else sink.stored_hashes([s.name for s in chunk])
    return [(s.name, s.data, s.error, frozenset(stored.get(s.name, ()))) for s in chunk]


def _open_error_log(path: str | None) -> IO[str] | None:
    if path is None:
        return None
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as exc:
        raise SinkError(f"cannot write the error log {path}: {exc.strerror or exc}") from exc


def run(options: RunOptions, stdin: BinaryIO | None = None, stderr: TextIO | None = None) -> Summary:
    """Extract every input into the target; raises before any work when inputs, rules or target are bad."""
    stderr = stderr or sys.stderr
    reference = parse_reference(options.reference_date)
    check_inputs(options.inputs)
    rules = tuple(options.rules)
    pipeline = Pipeline(rules=["default", *rules])
    workers = options.workers or default_workers()
    sink = open_sink(options.output)
    try:
        error_log = _open_error_log(options.error_log)
    except SinkError:
        sink.close()
        raise
    summary = Summary()
    progress = Progress(stderr, not options.quiet, lambda: total_bytes(options.inputs), options.log_every)
    try:
        with sink, Extractor(pipeline, rules, reference, workers) as extractor:
            for outcomes in extractor.map(_chunks(iter_sources(options.inputs, stdin), sink, options.force)):
                sink.write([ExtractedFile(o.source, o.content_hash, o.encoding, o.articles)
                            for o in outcomes if o.status == "extracted"])
                for outcome in outcomes:
                    summary.add(outcome)
                    if outcome.status == "failed" and error_log is not None:
                        error_log.write(json.dumps({"source": outcome.source, "error": outcome.error},
                                                   ensure_ascii=False) + "\n")
                progress.update(summary)
    except KeyboardInterrupt:
        summary.interrupted = True
    except BrokenProcessPool as exc:  # a worker killed (out of memory, a crash in a C extension)
        summary.aborted = f"a worker process died: {exc}"
    finally:
        summary.finished = time.monotonic()
        progress.close()
        if error_log is not None:
            error_log.close()
    return summary


def _extract(args: argparse.Namespace) -> int:
    options = RunOptions(inputs=args.inputs, output=args.output, reference_date=args.reference_date,
                         workers=args.workers, force=args.force, quiet=args.quiet,
                         error_log=args.error_log, rules=args.rules)
    # a polite kill (SIGTERM) stops like Ctrl-C: finished files stay committed
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        summary = run(options)
    except (InputError, SinkError, ValueError) as exc:
        print(f"gonghui-extract: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader of stdout left (`| head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not args.quiet or summary.failed_count or summary.interrupted or summary.aborted:
        print(summary.report(), file=sys.stderr)
    if summary.interrupted:
        return 130
    if summary.aborted:
        return 3
    return 1 if summary.failed_count else 0


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def add_extract(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="extract records from texts, folders, globs, archives or stdin "
                                       "into JSON Lines, CSV, Parquet, SQLite or PostgreSQL")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="a text file, a folder (recursive), a glob pattern, a .zip or .tar(.gz), "
                        "or - for stdin")
    p.add_argument("-o", "--output", metavar="TARGET", default="-",
                   help="- (JSON Lines on stdout, the default), FILE.jsonl, FOLDER.csv, FOLDER.parquet, "
                        "FILE.sqlite, FILE.db, sqlite:///FILE or postgresql://USER@HOST/DB")
    p.add_argument("--reference-date", help="publication date YYYY-MM-DD for relative dates")
    p.add_argument("-j", "--workers", type=_positive, default=None,
                   help=f"worker processes (default: the cores, here {default_workers()})")
    p.add_argument("--force", action="store_true",
                   help="re-extract files a database already holds with the same content")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no progress and no summary (failures still shown)")
    p.add_argument("--error-log", metavar="FILE", help="write failed files as JSON Lines {source, error}")
    p.add_argument("--rules", action="append", default=[], metavar="DIR",
                   help="an extra rules folder, merged over the defaults (repeatable)")
    p.set_defaults(func=_extract)
