"""Batch inputs → a stream of (name, bytes): files, folders, globs, zip and tar archives, stdin.

Everything is a generator: one file's bytes are in memory at a time however
large the archive, and the order is deterministic (sorted names, archive order),
so two runs over the same inputs see the same sequence.
"""

from __future__ import annotations

import glob
import os
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

STDIN = "-"
_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
_GLOB_CHARS = frozenset("*?[")


class InputError(ValueError):
    """An input that names nothing: a missing path or a pattern matching no file."""


@dataclass(frozen=True)
class Source:
    """One text to extract: where it came from and its raw bytes."""

    name: str
    data: bytes
    error: str | None = None  # why the bytes could not be read; the run reports it and goes on


def _is_glob(text: str) -> bool:
    return bool(_GLOB_CHARS & set(text))


def _hidden(name: str) -> bool:
    """Dot files and macOS resource forks are not texts anyone meant to include."""
    parts = (p for p in Path(name).parts if p not in (".", ".."))
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def check_inputs(inputs: list[str]) -> None:
    """Raise InputError for every input that names nothing, before any work starts."""
    missing = [i for i in inputs if i != STDIN and not os.path.exists(i)
               and not (_is_glob(i) and next(glob.iglob(i, recursive=True), None))]
    if missing:
        raise InputError("no such file, folder or match: " + ", ".join(missing))
    if inputs.count(STDIN) > 1:
        raise InputError("'-' (stdin) can be read only once")


def _expand(item: str) -> Iterator[str]:
    """The files one input names, in sorted order (folders walked recursively)."""
    if item != STDIN and not os.path.exists(item) and _is_glob(item):
        for match in sorted(glob.iglob(item, recursive=True)):
            yield from _expand(match)
    elif os.path.isdir(item):
        for root, dirs, files in os.walk(item):
            dirs[:] = sorted(d for d in dirs if not _hidden(d))
            for name in sorted(files):
                if not _hidden(name):
                    yield os.path.join(root, name)
    else:
        yield item


def _zip_members(path: str) -> Iterator[Source]:
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.is_dir() and not _hidden(info.filename):
                yield Source(f"{path}!{info.filename}", archive.read(info))


def _tar_members(path: str) -> Iterator[Source]:
    # "r|*": a stream, read once front to back; compressed tars never need seeking
    with tarfile.open(path, mode="r|*") as archive:
        for member in archive:
            if member.isfile() and not _hidden(member.name):
                handle = archive.extractfile(member)
                if handle is not None:
                    yield Source(f"{path}!{member.name}", handle.read())


def _read(path: str, stdin: BinaryIO | None) -> Iterator[Source]:
    if path == STDIN:
        yield Source("<stdin>", (stdin or sys.stdin.buffer).read())
    elif path.lower().endswith(".zip"):
        yield from _zip_members(path)
    elif path.lower().endswith(_TAR_SUFFIXES):
        yield from _tar_members(path)
    else:
        yield Source(path, Path(path).read_bytes())


def iter_sources(inputs: list[str], stdin: BinaryIO | None = None) -> Iterator[Source]:
    """Every text the inputs name, one at a time, archives opened member by member.

    A file or archive that cannot be read becomes a Source with ``error`` set, and
    the stream goes on with the next input.
    """
    for item in inputs:
        for path in _expand(item):
            try:
                yield from _read(path, stdin)
            except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError) as exc:
                yield Source(path, b"", error=f"cannot read: {exc}")


def total_bytes(inputs: list[str]) -> int | None:
    """The bytes the inputs hold, when knowable without reading them (for an ETA); else None."""
    try:
        return _sizes(inputs)
    except (OSError, zipfile.BadZipFile):
        return None


def _sizes(inputs: list[str]) -> int | None:
    total = 0
    for item in inputs:
        for path in _expand(item):
            if path == STDIN or path.lower().endswith(_TAR_SUFFIXES):
                return None
            if path.lower().endswith(".zip"):
                with zipfile.ZipFile(path) as archive:
                    total += sum(i.file_size for i in archive.infolist()
                                 if not i.is_dir() and not _hidden(i.filename))
            else:
                total += os.path.getsize(path)
    return total
