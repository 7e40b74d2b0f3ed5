"""Score extraction against gold files written to ANNOTATION.md: ``gonghui-extract evaluate``.

The figures are those of the project's scoring tool: per record type, detection
precision/recall/F1 over spans paired one to one by overlap (largest first), and
strict F1, where a pair must also agree on the values the guideline names
(metrics: value, value_max, unit with 人 = 名; dates: start and end at the gold
granularity; organisations: name).  For metrics also qualifier accuracy and mean
character-F1 of the indicator over the pairs; for organisations the per-file F1
of the set of names.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = ("metrics", "dates", "organisations")
#: units the guideline counts as one
SAME_UNIT = {"名": "人"}
_ERROR_FIELDS = ("start", "end", "text", "value", "value_max", "unit", "start_date", "end_date", "name")


def records(prediction: Any) -> dict[str, list[dict]]:
    """Every record listed under a metrics/dates/organisations key at any depth, one per span."""
    found: dict[str, list[dict]] = {kind: [] for kind in KINDS}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in KINDS and isinstance(value, list):
                    found[key].extend(v for v in value if isinstance(v, dict))
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(prediction)
    unique: dict[str, list[dict]] = {}
    for kind, items in found.items():
        by_span: dict[tuple, dict] = {}
        for r in items:  # a record listed on the document and on its article counts once
            by_span.setdefault((r.get("start"), r.get("end")), r)
        unique[kind] = list(by_span.values())
    return unique


def pair(gold: list[dict], pred: list[dict]) -> list[tuple[int, int]]:
    """One-to-one (gold, prediction) index pairs by span overlap, largest overlap first."""
    overlaps = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            try:
                overlap = min(g["end"], p["end"]) - max(g["start"], p["start"])
            except (KeyError, TypeError):
                continue
            if overlap > 0:
                overlaps.append((-overlap, i, j))
    used_gold, used_pred, pairs = set(), set(), []
    for _, i, j in sorted(overlaps):
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            pairs.append((i, j))
    return pairs


def same_number(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return abs(x - y) <= 1e-6 * max(1.0, abs(x), abs(y))


def _unit(u: str | None) -> str:
    u = (u or "").strip()
    return SAME_UNIT.get(u, u)


def _name(s: str | None) -> str:
    return "".join((s or "").replace("（", "(").replace("）", ")").split())


def _cut(d: Any, granularity: str | None) -> str | None:
    return None if d is None else str(d)[: {"year": 4, "month": 7}.get(granularity or "day", 10)]


def differences(kind: str, g: dict, p: dict) -> list[str]:
    """The fields on which a span pair disagrees, by the guideline's strict test for its type."""
    if kind == "metrics":
        diffs = [k for k in ("value", "value_max") if not same_number(g.get(k), p.get(k))]
        return diffs + (["unit"] if _unit(g.get("unit")) != _unit(p.get("unit")) else [])
    if kind == "dates":
        if g.get("start_date") is None and g.get("end_date") is None:
            return []
        gran = g.get("granularity", "day")
        return [k for k in ("start_date", "end_date") if _cut(g.get(k), gran) != _cut(p.get(k), gran)]
    return [] if _name(g.get("name")) == _name(p.get("name")) else ["name"]


def strict_match(kind: str, g: dict, p: dict) -> bool:
    """Whether a span pair also agrees on the values the guideline names for its type."""
    return not differences(kind, g, p)


def char_f1(gold: str | None, pred: str | None) -> float:
    a, b = Counter(gold or ""), Counter(pred or "")
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(b.values()), common / sum(a.values())
    return 2 * precision * recall / (precision + recall)


def prf(hits: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    precision = hits / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    recall = hits / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return round(precision, 4), round(recall, 4), round(f1, 4)


@dataclass
class Score:
    """Counts over all files, and the errors when asked for."""

    counts: dict[str, Counter] = field(default_factory=lambda: {k: Counter() for k in KINDS})
    qualifier_ok: int = 0
    pairs: int = 0
    indicator_sum: float = 0.0
    name_f1: list[float] = field(default_factory=list)
    errors: list[tuple[str, str, str, dict]] = field(default_factory=list)

    def add(self, name: str, gold_file: dict, prediction: Any) -> None:
        """Score one file's prediction against its gold."""
        predicted = records(prediction)
        for kind in KINDS:
            gold, pred = gold_file.get(kind, []), predicted[kind]
            pairs = pair(gold, pred)
            strict = {(i, j) for i, j in pairs if strict_match(kind, gold[i], pred[j])}
            self.counts[kind].update(gold=len(gold), pred=len(pred), tp=len(pairs), strict=len(strict))
            if kind == "metrics":
                for i, j in pairs:
                    self.pairs += 1
                    qualifiers = (gold[i].get("qualifier"), pred[j].get("qualifier"))
                    self.qualifier_ok += len({q or "exact" for q in qualifiers}) == 1
                    self.indicator_sum += char_f1(gold[i].get("indicator"), pred[j].get("indicator"))
            if kind == "organisations":
                names_g = {_name(x.get("name")) for x in gold}
                names_p = {_name(x.get("name")) for x in pred}
                self.name_f1.append(prf(len(names_g & names_p), len(names_p), len(names_g))[2])
            self._note_errors(name, kind, gold, pred, pairs, strict)

    def _note_errors(self, name: str, kind: str, gold: list[dict], pred: list[dict],
                     pairs: list[tuple[int, int]], strict: set[tuple[int, int]]) -> None:
        paired_gold, paired_pred = {i for i, _ in pairs}, {j for _, j in pairs}
        self.errors += [(name, kind, "missed", g) for i, g in enumerate(gold) if i not in paired_gold]
        self.errors += [(name, kind, "spurious", _brief(p))
                        for j, p in enumerate(pred) if j not in paired_pred]
        self.errors += [(name, kind, "wrong", {"gold": gold[i], "pred": _brief(pred[j])})
                        for i, j in pairs if (i, j) not in strict]

    def summary(self) -> dict[str, dict]:
        out: dict[str, dict] = {}
        for kind in KINDS:
            c = self.counts[kind]
            dp, dr, df = prf(c["tp"], c["pred"], c["gold"])
            sp, sr, sf = prf(c["strict"], c["pred"], c["gold"])
            out[kind] = {"gold": c["gold"], "pred": c["pred"], "detect_p": dp, "detect_r": dr,
                         "detect_f1": df, "strict_p": sp, "strict_r": sr, "strict_f1": sf}
        out["metrics"]["qualifier_acc"] = round(self.qualifier_ok / self.pairs, 4) if self.pairs else 0.0
        out["metrics"]["indicator_char_f1"] = round(self.indicator_sum / self.pairs, 4) if self.pairs else 0.0
        out["organisations"]["doc_name_f1"] = (round(sum(self.name_f1) / len(self.name_f1), 4)
                                               if self.name_f1 else 0.0)
        return out


def _brief(record: dict) -> dict:
    return {k: record.get(k) for k in _ERROR_FIELDS if k in record}


def load_gold(gold_dir: Path) -> dict[str, dict]:
    """Gold files by the text file they annotate."""
    golds = {}
    for path in sorted(Path(gold_dir).glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        golds[gold["file"]] = gold
    if not golds:
        raise FileNotFoundError(f"no gold files (*.json) in {gold_dir}")
    return golds


def evaluate(gold_dir: Path | str, text_dir: Path | str, pipeline=None) -> Score:
    """Run ``pipeline`` (the default one if None) on every text that has gold, and score it."""
    if pipeline is None:
        from . import default_pipeline
        pipeline = default_pipeline()
    score = Score()
    for name, gold in load_gold(Path(gold_dir)).items():
        text = (Path(text_dir) / name).read_text(encoding="utf-8")
        prediction = pipeline(text, gold.get("reference_date")).model_dump(mode="json")
        score.add(name, gold, prediction)
    return score


def format_table(summary: dict[str, dict]) -> str:
    lines = [f"{'type':<14}{'gold':>6}{'pred':>6}{'det P':>8}{'det R':>8}{'det F1':>8}"
             f"{'strict P':>10}{'strict R':>10}{'strict F1':>10}"]
    for kind in KINDS:
        s = summary[kind]
        lines.append(f"{kind:<14}{s['gold']:>6}{s['pred']:>6}{s['detect_p']:>8.3f}{s['detect_r']:>8.3f}"
                     f"{s['detect_f1']:>8.3f}{s['strict_p']:>10.3f}{s['strict_r']:>10.3f}{s['strict_f1']:>10.3f}")
    m, o = summary["metrics"], summary["organisations"]
    lines.append(f"metric qualifier accuracy {m['qualifier_acc']:.3f}, indicator char-F1 "
                 f"{m['indicator_char_f1']:.3f}; organisation names per file F1 {o['doc_name_f1']:.3f}")
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from . import Pipeline

    try:
        score = evaluate(args.gold_dir, args.text_dir, Pipeline(rules=["default", *args.rules]))
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        print(f"gonghui-extract evaluate: {exc}", file=sys.stderr)
        return 1
    if args.errors:
        for name, kind, what, record in score.errors:
            print(f"{name}\t{kind}\t{what}\t{json.dumps(record, ensure_ascii=False)}")
    summary = score.summary()
    print(json.dumps(summary, ensure_ascii=False) if args.json else format_table(summary))
    return 0


def add_evaluate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="score extraction against gold files (ANNOTATION.md)")
    p.add_argument("gold_dir", help="folder of <text file>.json gold files")
    p.add_argument("text_dir", help="folder of the texts the gold files name")
    p.add_argument("--errors", action="store_true", help="list misses, false hits and wrong values first")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.add_argument("--rules", action="append", default=[], metavar="DIR",
                   help="an extra rules folder, merged over the defaults (repeatable)")
    p.set_defaults(func=_run)

