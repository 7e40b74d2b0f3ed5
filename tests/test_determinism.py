"""The same text gives the same records in every process: no output may depend on hash order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"

_DUMP = """
import sys, pathlib, gonghui_extract
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.txt")):
    print(gonghui_extract.extract(path.read_text(encoding="utf-8")).model_dump_json())
print(gonghui_extract.extract("南京市鼓楼区总工会").model_dump_json())
"""


def _dump(hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.run([sys.executable, "-c", _DUMP, str(SEEDS)], env=env, capture_output=True,
                          text=True, check=True).stdout


def test_records_do_not_depend_on_the_hash_seed() -> None:
    first = _dump("1")
    assert first.count("\n") == len(list(SEEDS.glob("*.txt"))) + 1
    for seed in ("2", "3"):
        assert _dump(seed) == first
