"""What every sink offers the batch runner."""

from __future__ import annotations

from pathlib import Path

from .rows import ExtractedFile


class SinkError(ValueError):
    """A target that cannot be written: raised when the sink opens, before any work."""


class Sink:
    """Receives extracted files in input order; ``write`` is one transaction per call."""

    #: whether ``stored_hashes`` can tell which sources are already stored (databases)
    resumable = False

    def stored_hashes(self, sources: list[str]) -> dict[str, set[str]]:
        """The content hashes already stored for each of ``sources`` (nothing, for file sinks)."""
        return {}

    def write(self, files: list[ExtractedFile]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Finish the output (flush, write footers, release connections)."""

    def __enter__(self) -> Sink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def prepare_path(path: Path, folder: bool) -> None:
    """Create ``path``'s parent (or ``path`` itself as a folder) and prove it writable."""
    try:
        for parent in (path, *path.parents) if folder else path.parents:
            if parent.exists() and not parent.is_dir():
                raise SinkError(f"cannot write to {path}: {parent} is not a folder")
        if folder:
            path.mkdir(parents=True, exist_ok=True)
            probe = path / ".gonghui-write-test"
            probe.touch()
            probe.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SinkError(f"cannot write to {path}: {exc.strerror or exc}") from exc
