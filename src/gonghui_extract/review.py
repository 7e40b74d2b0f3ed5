"""The review page: every extraction highlighted in its article, checked by eye (and against gold).

``gonghui-extract review INPUT... --output page.html [--gold GOLD_DIR]`` writes
one self-contained HTML file (inline CSS and JS, nothing fetched): a section
per input and per article, each record a ``<mark>`` coloured by its type with
its normalised fields in the tooltip, and a table of all records beside the
text.  With gold files (the ANNOTATION.md format) each record is matched to
the gold the way the scorer matches (same type, overlapping spans, one to one,
largest overlap first): gold items nobody predicted are shown as ``missed``
marks, predictions with no gold as ``spurious``, matches whose values differ
as ``wrong``.

Overlapping records are rendered by cutting the text at every record
boundary: each piece is wrapped in one ``<mark>`` per record covering it,
outermost first, so marks nest properly and a record may span several pieces
(all carrying its ``data-item``).
"""

from __future__ import annotations

import argparse
import html
import itertools
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build import RECORD_TYPES
from .decode import decode_bytes
from .evaluate import differences, pair
from .pipeline import Pipeline
from .records import Document

#: record list → (mark class, background colour); the browser test looks for these colours
TYPE_COLOURS = {
    "metrics": ("metric", "#ffd54f"),
    "dates": ("date", "#81d4fa"),
    "organisations": ("org", "#a5d6a7"),
}
MISSED_COLOUR = "#f48fb1"
PROBLEM_COLOUR = "#c62828"
#: the normalised fields a tooltip and the table show, per record list
SUMMARY_FIELDS = {
    "metrics": ("value", "value_max", "unit", "qualifier", "indicator", "period"),
    "dates": ("start_date", "end_date", "granularity", "expression", "note"),
    "organisations": ("name", "kind"),
}
STATUS_NOTES = {
    "found": "extracted",
    "correct": "matches gold",
    "wrong": "span matches gold, values differ",
    "spurious": "extracted, not in gold",
    "missed": "in gold, not extracted",
}


@dataclass
class ReviewInput:
    """One input of the page: its text, what was extracted and, if given, its gold."""

    name: str
    text: str = ""
    document: Document | None = None
    gold: dict[str, Any] | None = None
    error: str | None = None


@dataclass
class Item:
    """A record or a missed gold item, placed in the text."""

    number: int
    kind: str
    start: int
    end: int
    status: str
    fields: dict[str, Any]
    gold: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)


def review_items(text: str, document: Document | None, gold: dict | None) -> list[Item]:
    """Every record (and missed gold item) with its status, in text order."""
    predicted = document.model_dump(mode="json") if document else {}
    items: list[Item] = []
    for kind in TYPE_COLOURS:
        preds = predicted.get(kind, [])
        if gold is None:
            items += [Item(0, kind, p["start"], p["end"], "found", p) for p in preds]
            continue
        golds = [g for g in gold.get(kind, []) if isinstance(g, dict)]
        pairs = pair(golds, preds)
        gold_of = {j: i for i, j in pairs}
        for j, p in enumerate(preds):
            if j not in gold_of:
                items.append(Item(0, kind, p["start"], p["end"], "spurious", p))
                continue
            g = golds[gold_of[j]]
            diffs = differences(kind, g, p)
            problems = [f"differs from gold in {', '.join(diffs)}"] if diffs else []
            items.append(Item(0, kind, p["start"], p["end"], "wrong" if diffs else "correct", p, g, problems))
        matched = set(gold_of.values())
        for i, g in enumerate(golds):
            if i not in matched:
                item = Item(0, kind, g["start"], g["end"], "missed", g)
                if text[g["start"]:g["end"]] != g.get("text", text[g["start"]:g["end"]]):
                    item.problems.append("gold text differs from the source at these offsets")
                items.append(item)
    items.sort(key=lambda it: (it.start, -it.end, it.kind))
    for number, item in enumerate(items, 1):
        item.number = number
    return items


# ---- rendering

def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict):  # a nested record such as a metric's period
        return "(" + ", ".join(f"{k}={_show(v)}" for k, v in value.items() if v is not None) + ")"
    return str(value)


def summary(kind: str, fields: dict[str, Any]) -> str:
    """The normalised fields of a record as one line, those at their default left out:
    'value=5234000 · unit=元 · …'."""
    model_fields = RECORD_TYPES[kind].model_fields
    shown = [f"{name}={_show(fields[name])}" for name in SUMMARY_FIELDS[kind]
             if fields.get(name) is not None and fields[name] != model_fields[name].default]
    return " · ".join(shown) or "(no normalised value)"


def tooltip(item: Item) -> str:
    lines = [f"{TYPE_COLOURS[item.kind][0]} #{item.number}: {STATUS_NOTES[item.status]}",
             summary(item.kind, item.fields)]
    if item.status == "wrong" and item.gold is not None:
        lines.append(f"gold: {summary(item.kind, item.gold)}")
    lines += item.problems
    if item.fields.get("rule_id"):
        lines.append(f"rule: {item.fields['rule_id']}")
    return "\n".join(lines)


def _mark_open(item: Item, padding_level: int) -> str:
    classes = [TYPE_COLOURS[item.kind][0], item.status, f"l{min(padding_level, 3)}"]
    return (f'<mark class="{" ".join(classes)}" data-item="{item.number}" '
            f'title="{html.escape(tooltip(item), quote=True)}">')


def render_marked(text: str, start: int, end: int, items: list[Item]) -> str:
    """``text[start:end]`` escaped, each item's part of it wrapped in nested ``<mark>``s."""
    inside = [it for it in items if it.start < end and it.end > start and it.end > it.start]
    cuts = sorted({start, end, *(max(start, min(end, p)) for it in inside for p in (it.start, it.end))})
    out = []
    for a, b in itertools.pairwise(cuts):
        covering = sorted((it for it in inside if it.start <= a and it.end >= b),
                          key=lambda it: (it.start, -it.end, it.number))
        piece = html.escape(text[a:b])
        for level, item in enumerate(reversed(covering)):
            piece = f"{_mark_open(item, level)}{piece}</mark>"
        out.append(piece)
    return "".join(out)


def render_table(items: list[Item]) -> str:
    rows = []
    for it in items:
        label, _ = TYPE_COLOURS[it.kind]
        text = it.fields.get("text", "")
        notes = [f"gold: {summary(it.kind, it.gold)}"] if it.status == "wrong" and it.gold else []
        notes += it.problems
        rows.append(
            f'<tr class="{it.status}" data-item="{it.number}"><td>{it.number}</td>'
            f'<td><span class="swatch {label}">{label}</span></td>'
            f"<td>{html.escape(it.status)}</td><td>{html.escape(str(text))}</td>"
            f"<td>{it.start}–{it.end}</td>"
            f"<td>{html.escape(summary(it.kind, it.fields))}"
            f"{''.join(f'<div class=problem>{html.escape(n)}</div>' for n in notes)}</td>"
            f"<td>{html.escape(str(it.fields.get('rule_id') or ''))}</td></tr>")
    head = "<tr><th>#</th><th>type</th><th>status</th><th>text</th><th>offsets</th>" \
           "<th>normalised</th><th>rule</th></tr>"
    return f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"


OUTSIDE = "outside the articles"


def _chunks(text: str, document: Document | None) -> list[tuple[int, int, str]]:
    """The stretches shown one by one, covering the text end to end: each article when there are
    several (blank space between them joins the stretch before), else the whole text."""
    articles = sorted(document.articles, key=lambda a: a.start) if document else []
    if len(articles) < 2:
        return [(0, len(text), "")]
    stretches, pos = [], 0
    for n, art in enumerate(articles, 1):
        start, end = max(art.start, pos), max(art.end, art.start, pos)
        if start > pos:
            stretches.append((pos, start, OUTSIDE))
        heading = " · ".join(str(v) for v in (art.title, art.dateline, art.region) if v)
        stretches.append((start, end, f"article {n}" + (f": {heading}" if heading else "")))
        pos = end
    if pos < len(text):
        stretches.append((pos, len(text), OUTSIDE))
    chunks: list[tuple[int, int, str]] = []
    for start, end, heading in stretches:
        if heading == OUTSIDE and not text[start:end].strip() and chunks:
            chunks[-1] = (chunks[-1][0], end, chunks[-1][2])
        elif chunks and chunks[-1][2] == OUTSIDE and not text[chunks[-1][0]:chunks[-1][1]].strip():
            chunks[-1] = (chunks[-1][0], end, heading)  # leading blank space joins the first article
        else:
            chunks.append((start, end, heading))
    return chunks


def _counts(items: list[Item]) -> str:
    parts = []
    for kind, (label, _) in TYPE_COLOURS.items():
        of_kind = [it for it in items if it.kind == kind]
        statuses = {s: sum(it.status == s for it in of_kind) for s in STATUS_NOTES}
        parts.append(f"{label}: " + ", ".join(f"{n} {s}" for s, n in statuses.items() if n))
    return " | ".join(parts)


def render_input(index: int, review: ReviewInput) -> str:
    """One input's section: a header, then each article's marked text beside its table."""
    title = f"<h2>{html.escape(review.name)}</h2>"
    if review.error is not None:
        return f'<section class="input failed" id="input{index}">{title}' \
               f'<p class="problem">not reviewed: {html.escape(review.error)}</p></section>'
    items = review_items(review.text, review.document, review.gold)
    doc = review.document
    facts = [f"reference date {doc.reference_date} ({doc.reference_date_source})" if doc else "",
             "no gold file" if review.gold is None else "checked against gold", _counts(items)]
    warnings = "".join(f"<li>{html.escape(w.message)}</li>" for w in (doc.warnings if doc else []))
    parts = [f'<section class="input" id="input{index}">{title}',
             f'<p class="facts">{html.escape(" — ".join(f for f in facts if f))}</p>',
             f'<ul class="warnings">{warnings}</ul>' if warnings else ""]
    for start, end, heading in _chunks(review.text, doc):
        listed = [it for it in items if start <= it.start < end]
        marked = render_marked(review.text, start, end, items)
        parts.append(f'<article>{f"<h3>{html.escape(heading)}</h3>" if heading else ""}'
                     f'<div class="pair"><div class="text">{marked}</div>'
                     f'<div class="records">{render_table(listed)}</div></div></article>')
    parts.append("</section>")
    return "".join(parts)


def _css() -> str:
    types = "".join(f"mark.{label}, .swatch.{label} {{ background: {colour}; }}\n"
                    for label, colour in TYPE_COLOURS.values())
    return types + f"""
body {{ font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; margin: 1.5em; color: #222; }}
.legend span {{ padding: 2px 8px; margin-right: 6px; }}
.pair {{ display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5em; }}
.text {{ white-space: pre-wrap; line-height: 2.4; font-size: 16px; }}
mark {{ color: inherit; border-radius: 2px; padding: 1px 0; }}
mark.l1 {{ padding: 4px 0; }} mark.l2 {{ padding: 7px 0; }} mark.l3 {{ padding: 10px 0; }}
mark.missed, .swatch.missed {{ background: {MISSED_COLOUR}; outline: 2px solid {PROBLEM_COLOUR}; }}
mark.spurious, .swatch.spurious {{ outline: 2px dashed {PROBLEM_COLOUR}; }}
mark.wrong, .swatch.wrong {{ text-decoration: underline wavy {PROBLEM_COLOUR}; }}
mark.flash {{ box-shadow: 0 0 0 3px #333; }}
table {{ border-collapse: collapse; font-size: 13px; width: 100%; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 2px 4px; text-align: left; vertical-align: top; }}
tr.missed td, tr.spurious td, tr.wrong td, .problem {{ color: {PROBLEM_COLOUR}; }}
tbody tr {{ cursor: pointer; }}
.facts {{ color: #555; }}
"""


_SCRIPT = """
document.addEventListener("click", function (event) {
  var row = event.target.closest("tr[data-item]");
  if (!row) return;
  var section = row.closest("section");
  var marks = section.querySelectorAll('mark[data-item="' + row.dataset.item + '"]');
  if (!marks.length) return;
  marks[0].scrollIntoView({block: "center"});
  marks.forEach(function (m) { m.classList.add("flash"); });
  setTimeout(function () { marks.forEach(function (m) { m.classList.remove("flash"); }); }, 1500);
});
"""


def build_page(inputs: Iterable[ReviewInput], title: str = "gonghui_extract review") -> str:
    """The whole self-contained HTML page."""
    legend = "".join(f'<span class="swatch {label}">{label}</span>' for label, _ in TYPE_COLOURS.values())
    legend += ('<span class="swatch missed">missed</span>'
               '<span class="swatch metric spurious">spurious</span>'
               '<span class="swatch metric wrong">wrong value</span>')
    sections = "".join(render_input(i, review) for i, review in enumerate(inputs, 1))
    return (f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{_css()}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p class=legend>{legend} — hover a mark for its normalised "
            f"value; click a table row to find it in the text.</p>{sections}"
            f"<script>{_SCRIPT}</script></body></html>")


# ---- command line

def load_gold_dir(folder: Path) -> dict[str, dict]:
    """Gold files by the text file they annotate (their ``file`` key, else their own stem)."""
    golds = {}
    for path in sorted(folder.glob("*.json")):
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"gold file {path}: {exc}") from exc
        if not isinstance(gold, dict):
            raise ValueError(f"gold file {path}: not a JSON object")
        for kind in TYPE_COLOURS:
            for n, item in enumerate(gold.get(kind) or []):
                if not (isinstance(item, dict) and isinstance(item.get("start"), int)
                        and isinstance(item.get("end"), int) and 0 <= item["start"] <= item["end"]):
                    raise ValueError(f"gold file {path}: {kind}[{n}] needs integer offsets start <= end")
        golds[str(gold.get("file") or f"{path.stem}.txt")] = gold
    return golds


def _gold_for(path: Path, golds: dict[str, dict]) -> dict | None:
    by_stem = (gold for name, gold in golds.items() if Path(name).stem == path.stem)
    return golds.get(path.name) or next(by_stem, None)


def _review(args: argparse.Namespace) -> int:
    pipeline = Pipeline(rules=["default", *args.rules])
    try:
        golds = load_gold_dir(Path(args.gold)) if args.gold else {}
    except ValueError as exc:
        print(f"gonghui-extract: {exc}", file=sys.stderr)
        return 2
    if args.gold and not golds:
        print(f"gonghui-extract: no gold files (*.json) in {args.gold}", file=sys.stderr)
    reviews, failed = [], 0
    for name in args.inputs:
        path = Path(name)
        gold = _gold_for(path, golds) if golds else None
        try:
            text = decode_bytes(path.read_bytes(), str(path)).text
            document = pipeline(text, args.reference_date or (gold or {}).get("reference_date"))
        except (OSError, ValueError) as exc:
            print(f"gonghui-extract: not reviewed {path}: {exc}", file=sys.stderr)
            reviews.append(ReviewInput(str(path), error=str(exc)))
            failed += 1
            continue
        reviews.append(ReviewInput(str(path), text, document, gold))
    try:
        Path(args.output).write_text(build_page(reviews), encoding="utf-8")
    except OSError as exc:
        print(f"gonghui-extract: cannot write {args.output}: {exc}", file=sys.stderr)
        return 2
    return 1 if failed else 0


def add_review(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("review", help="an HTML page highlighting every extraction, optionally against gold")
    p.add_argument("inputs", nargs="+", help="text files (UTF-8, UTF-16 or GB18030)")
    p.add_argument("--output", "-o", required=True, help="the HTML file to write")
    p.add_argument("--gold", metavar="DIR", help="gold files (ANNOTATION.md format) to mark missed/spurious")
    p.add_argument("--reference-date", help="publication date YYYY-MM-DD (default: the gold file's)")
    p.add_argument("--rules", action="append", default=[], metavar="DIR",
                   help="an extra rules folder, merged over the defaults (repeatable)")
    p.set_defaults(func=_review)
