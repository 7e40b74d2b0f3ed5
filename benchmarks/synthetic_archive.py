"""A synthetic archive of N MB: the seed texts repeated across many files in nested folders and a zip.

    python benchmarks/synthetic_archive.py [--size-mb 50] [--out out/synthetic_archive] [--zip-every 4]

Layout: ``<out>/vol<k>/<yyyy>/<mm>/<yyyy-mm-dd>-<tag>.txt`` (at most 1000 files
per volume; year, month and date are the seed's gold reference date), and
every ``--zip-every``-th file goes, under the same path, into ``<out>/bundle.zip``
instead.  Each file ends with a line ``[synthetic <tag>]`` (letters only, so
it adds no number or date) that makes every file's content unique: a run that
skips articles by content hash must store every file, none collapse as
duplicates.  Sizes are UTF-8 bytes before compression; 1 MB = 10**6 bytes.
``<out>.json`` records what was written (files, articles, bytes, chars), to
check a run against: one article per file unless segmentation splits pages.
"""

from __future__ import annotations

import argparse
import json
import string
import sys
import zipfile
from pathlib import Path

from seed_corpus import seed_articles

FILES_PER_VOLUME = 1000


def tag(serial: int, width: int = 6) -> str:
    """``serial`` in base 26 with letters: unique, and never read as a number or a date."""
    letters = []
    for _ in range(width):
        serial, digit = divmod(serial, 26)
        letters.append(string.ascii_lowercase[digit])
    return "".join(reversed(letters))


def build(out: Path, size_mb: float, zip_every: int) -> dict:
    """Write the archive under ``out``; return its manifest."""
    if out.exists():
        raise SystemExit(f"{out} exists; remove it or choose another --out")
    seeds = seed_articles()
    out.mkdir(parents=True)
    manifest = {"root": str(out), "files": 0, "zipped_files": 0, "bytes": 0, "chars": 0}
    with zipfile.ZipFile(out / "bundle.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bundle:
        serial = 0
        while manifest["bytes"] < size_mb * 1e6:
            text, reference = seeds[serial % len(seeds)]
            day = reference or "0000-00-00"
            relpath = f"vol{serial // FILES_PER_VOLUME:04d}/{day[:4]}/{day[5:7]}/{day}-{tag(serial)}.txt"
            content = f"{text.rstrip()}\n[synthetic {tag(serial)}]\n"
            data = content.encode("utf-8")
            if zip_every and serial % zip_every == zip_every - 1:
                bundle.writestr(relpath, data)
                manifest["zipped_files"] += 1
            else:
                (out / relpath).parent.mkdir(parents=True, exist_ok=True)
                (out / relpath).write_bytes(data)
            manifest["files"] += 1
            manifest["bytes"] += len(data)
            manifest["chars"] += len(content)
            serial += 1
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=50.0, help="total UTF-8 size of the texts (MB)")
    parser.add_argument("--out", type=Path, default=Path("out/synthetic_archive"), help="a new folder")
    parser.add_argument("--zip-every", type=int, default=4,
                        help="every Nth file goes into bundle.zip; 0: no zip")
    args = parser.parse_args(argv)
    manifest = build(args.out, args.size_mb, args.zip_every)
    manifest_path = args.out.with_suffix(".json")
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"{args.out}: {manifest['files']:,} files ({manifest['zipped_files']:,} in bundle.zip), "
          f"{manifest['bytes'] / 1e6:,.1f} MB, {manifest['chars']:,} chars; manifest {manifest_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
