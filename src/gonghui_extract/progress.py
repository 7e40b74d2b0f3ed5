"""Progress of a batch run on stderr: a bar on a terminal, a periodic log line otherwise."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from .runner import Summary


def human(n: float) -> str:
    """1234567 → '1.2M': rates and counts people read at a glance."""
    for factor, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= factor:
            return f"{n / factor:.1f}{suffix}"
    return f"{n:.0f}"


def status_line(summary: Summary, total_bytes: int | None = None) -> str:
    """Files, articles, records, chars/s and, when the input size is known, the ETA."""
    elapsed = summary.elapsed()
    failed = f" ({summary.failed_count:,} failed)" if summary.failed_count else ""
    parts = [f"{summary.files:,} files{failed}", f"{summary.articles:,} articles",
             f"{summary.record_total:,} records", f"{human(summary.chars_per_second())} chars/s"]
    if total_bytes and elapsed:
        parts.append(f"{100 * summary.bytes_read / total_bytes:.0f}%{_eta(summary, total_bytes)}")
    return ", ".join(parts)


def _eta(summary: Summary, total_bytes: int | None) -> str:
    """' ETA hh:mm:ss' from the rate of the files extracted (a resumed run skips stored ones fast)."""
    left = summary.seconds_left(total_bytes) if total_bytes else None
    return "" if left is None else f" ETA {time.strftime('%H:%M:%S', time.gmtime(left))}"


#: the bar without tqdm's bytes/s (chars/s, in the postfix, is the rate that matters) and without its
#: ETA, which would count the bytes of files skipped on a resumed run as work done: the postfix has ours
_BAR_FORMAT = "{desc} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}]{postfix}"
_COUNTER_FORMAT = "{desc} {n_fmt} [{elapsed}]{postfix}"


def _compact(summary: Summary, total_bytes: int | None) -> str:
    failed = f" ({human(summary.failed_count)} failed)" if summary.failed_count else ""
    return (f"{human(summary.files)} files{failed}, {human(summary.articles)} articles, "
            f"{human(summary.record_total)} records, {human(summary.chars_per_second())} chars/s"
            f"{_eta(summary, total_bytes)}")


class Progress:
    """Shows a run moving: tqdm's bar on a TTY, a line every ``every`` seconds in a log, nothing if quiet.

    The input's total size (for percent and ETA) is measured by ``measure`` in a
    background thread, so walking a million-file folder never delays the start.
    """

    def __init__(self, stream: TextIO, enabled: bool, measure: Callable[[], int | None], every: float = 10.0):
        self._stream, self._every, self._enabled = stream, every, enabled
        self._total: int | None = None
        self._bar = None
        self._last_log = time.monotonic()
        self._shown_bytes = 0
        if not enabled:
            return
        threading.Thread(target=self._measure, args=(measure,), daemon=True).start()
        if stream.isatty():
            from tqdm import tqdm

            # a terminal reporting a 0×0 size (a bare pty) would hide tqdm's bar: assume 80×24
            size = shutil.get_terminal_size()
            self._bar = tqdm(unit="B", unit_scale=True, unit_divisor=1024, desc="extract", file=stream,
                             ncols=size.columns, nrows=size.lines, smoothing=0.1, bar_format=_COUNTER_FORMAT)

    def _measure(self, measure: Callable[[], int | None]) -> None:
        self._total = measure()

    def update(self, summary: Summary) -> None:
        if not self._enabled:
            return
        if self._bar is not None:
            if self._total and self._bar.total is None:
                self._bar.total, self._bar.bar_format = self._total, _BAR_FORMAT
            self._bar.update(summary.bytes_read - self._shown_bytes)
            self._shown_bytes = summary.bytes_read
            self._bar.set_postfix_str(_compact(summary, self._total), refresh=False)
        elif time.monotonic() - self._last_log >= self._every:
            self._last_log = time.monotonic()
            self._stream.write(f"gonghui-extract: {status_line(summary, self._total)}\n")
            self._stream.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
