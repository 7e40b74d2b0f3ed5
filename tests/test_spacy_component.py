"""The spaCy component: spans equal extract()'s records, alignment, n_process, entry point."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")

from spacy.tokens import Doc, DocBin  # noqa: E402

import gonghui_extract  # noqa: E402
from gonghui_extract.records import DateMention, Document, Metric, Organisation  # noqa: E402
from gonghui_extract.spacy_component import GROUPS, annotate, extension_names  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SEEDS = sorted((CORPUS / "seeds").glob("*.txt"))


def _reference_date(seed: Path) -> str | None:
    gold = CORPUS / "gold" / f"{seed.stem}.json"
    return json.loads(gold.read_text(encoding="utf-8")).get("reference_date") if gold.exists() else None


def _blank() -> spacy.language.Language:
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


@pytest.fixture(scope="module")
def blank_zh():
    return _blank()


def _pipeline(reference_date: str | None = None, **config):
    nlp = _blank()
    nlp.add_pipe("gonghui_extract", config={"reference_date": reference_date, **config})
    return nlp


def _hand_made(text: str) -> Document:
    """Records whose offsets fall inside jieba tokens, two of them on the same token."""
    metric_at = text.index("523.4万元")
    org_at = text.index("市总工会")
    date_at = text.index("5月")
    return Document(
        metrics=[Metric(start=metric_at, end=metric_at + 7, text="523.4万元", value=5234000, unit="元",
                        raw_number="523.4万", magnitude=10000, indicator="发放帮扶救助金",
                        rule_id="test.metric"),
                 Metric(start=metric_at, end=metric_at + 5, text="523.4", value=523.4, unit="元",
                        raw_number="523.4", rule_id="test.inner")],
        dates=[DateMention(start=date_at, end=date_at + 2, text="5月", start_date=date(2023, 5, 1),
                           end_date=date(2023, 5, 31), granularity="month", rule_id="test.date")],
        organisations=[Organisation(start=org_at, end=org_at + 4, text="市总工会", name="台山市总工会",
                                    kind="union", rule_id="test.org")],
    )


HAND_TEXT = "今年5月，台山市总工会发放帮扶救助金523.4万元。"


def _assert_spans_match(doc: Doc, document: Document) -> None:
    """Every record has a span whose extensions give the record's exact offsets and values."""
    for group, (model, _) in GROUPS.items():
        records = getattr(document, group)
        spans = list(doc.spans[group])
        assert len(spans) == len(records), group
        for span, record in zip(spans, records, strict=True):
            assert span._.record == record
            assert (span._.char_start, span._.char_end) == (record.start, record.end)
            assert doc.text[span._.char_start:span._.char_end] == record.text == span._.char_text
            assert span.start_char <= record.start and span.end_char >= record.end
            for field in model.model_fields:
                if field not in ("start", "end", "text"):
                    assert getattr(span._, field) == getattr(record, field), (group, field)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_spans_equal_extract_on_seed(seed: Path) -> None:
    text = seed.read_text(encoding="utf-8")
    ref = _reference_date(seed)
    doc = _pipeline(ref)(text)
    assert doc.text == text
    _assert_spans_match(doc, gonghui_extract.extract(text, reference_date=ref))


def test_hand_made_records_align_by_expanding(blank_zh) -> None:
    document = _hand_made(HAND_TEXT)
    doc = annotate(blank_zh(HAND_TEXT), document)
    _assert_spans_match(doc, document)
    org = doc.spans["organisations"][0]
    assert org.text != org._.char_text  # 市总工会 starts inside the token 台山市
    first, second = doc.spans["metrics"]
    assert (first._.value, second._.value) == (5234000, 523.4)  # no overwrite on shared tokens
    assert first._.unit == "元" and first._.qualifier == "exact" and first._.indicator == "发放帮扶救助金"
    assert doc.spans["dates"][0]._.start_date == date(2023, 5, 1)
    assert org._.kind == "union" and org._.rule_id == "test.org"


@pytest.mark.parametrize("mode", ["contract", "strict"])
def test_narrower_alignment_modes_keep_unaligned_records(blank_zh, mode: str) -> None:
    document = _hand_made(HAND_TEXT)
    doc = annotate(blank_zh(HAND_TEXT), document, alignment_mode=mode)
    group = doc.spans["organisations"]
    assert group.attrs["records"] == [r.model_dump(mode="json") for r in document.organisations]
    for span in group:
        assert span.start_char >= span._.char_start and span.end_char <= span._.char_end
    if mode == "strict":
        assert list(group) == [] and group.attrs["unaligned"] == [0]
    else:
        assert [s.text for s in group] == ["总工会"] and group.attrs["unaligned"] == []


def test_unknown_alignment_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="alignment_mode"):
        _pipeline(alignment_mode="nearest")


def test_spans_survive_serialisation(blank_zh) -> None:
    """Doc.to_bytes is how nlp.pipe(n_process=...) ships docs back; DocBin is how users store them."""
    document = _hand_made(HAND_TEXT)
    doc = annotate(blank_zh(HAND_TEXT), document)
    for restored in (Doc(blank_zh.vocab).from_bytes(doc.to_bytes()),
                     next(DocBin(store_user_data=True, docs=[doc]).get_docs(_blank().vocab))):
        _assert_spans_match(restored, document)


def test_n_process_two_equals_one_process() -> None:
    """Docs go to the workers and come back as bytes: reference dates set on them and the records survive."""
    nlp = _pipeline()
    texts = [p.read_text(encoding="utf-8") for p in SEEDS] + [HAND_TEXT]
    references = [_reference_date(p) for p in SEEDS] + ["2023-11-15"]

    def inputs():
        for text, ref in zip(texts, references, strict=True):
            doc = nlp.make_doc(text)
            doc._.reference_date = ref
            yield doc

    single = list(nlp.pipe(inputs()))
    multi = list(nlp.pipe(inputs(), n_process=2, batch_size=2))
    assert [d.text for d in multi] == texts
    for one, two, ref in zip(single, multi, references, strict=True):
        assert two._.reference_date == ref
        _assert_spans_match(two, gonghui_extract.extract(two.text, reference_date=ref))
        for group in GROUPS:
            assert [(s.start_char, s.end_char, s.label_) for s in one.spans[group]] == \
                   [(s.start_char, s.end_char, s.label_) for s in two.spans[group]]


def test_component_pickles_by_its_configuration() -> None:
    nlp = _pipeline("2023-11-15", alignment_mode="contract")
    copy = pickle.loads(pickle.dumps(nlp.get_pipe("gonghui_extract")))
    assert (copy.reference_date, copy.alignment_mode) == ("2023-11-15", "contract")
    text = SEEDS[0].read_text(encoding="utf-8")
    assert copy(_blank()(text)).spans["metrics"].attrs == nlp(text).spans["metrics"].attrs


def test_extensions_cover_every_record_field() -> None:
    names = extension_names()
    for model, _ in GROUPS.values():
        assert set(model.model_fields) <= set(names.values())
    assert {"value", "value_max", "unit", "qualifier", "indicator", "start_date", "end_date",
            "granularity", "name", "kind", "rule_id", "char_start", "char_end"} <= set(names)


def test_factory_found_by_entry_point_in_a_fresh_process() -> None:
    """A user writes spacy.blank(...) and add_pipe by name, importing nothing of ours."""
    script = (
        "import json, sys, spacy\n"
        "assert 'gonghui_extract' not in sys.modules\n"
        "nlp = spacy.blank('zh', config={'nlp': {'tokenizer': {'segmenter': 'jieba'}}})\n"
        "nlp.add_pipe('gonghui_extract', config={'reference_date': '2023-11-15'})\n"
        f"doc = nlp({HAND_TEXT!r})\n"
        "print(json.dumps({g: doc.spans[g].attrs['records'] for g in doc.spans}, ensure_ascii=False))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).parent)
    assert run.returncode == 0, run.stderr
    want = gonghui_extract.extract(HAND_TEXT, reference_date="2023-11-15").model_dump(mode="json")
    assert json.loads(run.stdout.splitlines()[-1]) == {g: want[g] for g in GROUPS}


def test_workers_started_by_spawn_rebuild_the_component() -> None:
    """Spawned workers get the component and the span extensions by pickling (spaCy's own jieba
    tokenizer does not pickle, so this runs on the multi-language blank pipeline)."""
    script = (
        "import json, multiprocessing, spacy\n"
        "if __name__ == '__main__':\n"
        "    multiprocessing.set_start_method('spawn')\n"
        "    nlp = spacy.blank('xx')\n"
        "    nlp.add_pipe('gonghui_extract', config={'reference_date': '2023-11-15'})\n"
        f"    docs = list(nlp.pipe([{HAND_TEXT!r}] * 2, n_process=2, batch_size=1))\n"
        "    print(json.dumps([{g: d.spans[g].attrs['records'] for g in d.spans} for d in docs],\n"
        "                     ensure_ascii=False))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                         cwd=Path(__file__).parent)
    assert run.returncode == 0, run.stderr
    want = gonghui_extract.extract(HAND_TEXT, reference_date="2023-11-15").model_dump(mode="json")
    assert json.loads(run.stdout.splitlines()[-1]) == [{g: want[g] for g in GROUPS}] * 2


def test_reference_date_per_doc_overrides_the_configured_one() -> None:
    nlp = _pipeline("2023-11-15")
    text = "今年5月、去年8月26日和3月29日，台山市总工会三次发放帮扶救助金523.4万元。"
    doc = nlp.make_doc(text)
    doc._.reference_date = "2021-02-01"
    for got, ref in ((nlp(doc), "2021-02-01"), (nlp(text), "2023-11-15")):
        document = gonghui_extract.extract(text, reference_date=ref)
        _assert_spans_match(got, document)
        assert got._.gonghui_warnings == [w.model_dump(mode="json") for w in document.warnings]


def test_extension_of_another_package_is_not_shadowed() -> None:
    script = (
        "import spacy\n"
        "from spacy.tokens import Span\n"
        "Span.set_extension('unit', default='mine')\n"
        "try:\n"
        "    spacy.blank('xx').add_pipe('gonghui_extract')\n"
        "except ValueError as exc:\n"
        "    print(exc)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).parent)
    assert "'_.unit' is already registered" in run.stdout, run.stdout + run.stderr


def test_the_rules_lexicon_makes_domain_words_tokens() -> None:
    """With lexicon=True, rules/lexicon/userdict.txt reaches jieba: 省总 and 市总工会 become tokens.

    jieba's dictionary is global to a process, so this runs in a fresh one."""
    script = (
        "import spacy\n"
        "nlp = spacy.blank('zh', config={'nlp': {'tokenizer': {'segmenter': 'jieba'}}})\n"
        "text = '省总部署工作,市总工会发放帮扶救助金523.4万元'\n"
        "before = [t.text for t in nlp(text)]\n"
        "nlp.add_pipe('gonghui_extract', config={'lexicon': True})\n"
        "doc = nlp(text)\n"
        "print([t.text for t in doc] != before, '省总' in [t.text for t in doc],\n"
        "      '市总工会' in [t.text for t in doc], [s.text for s in doc.spans['metrics']])\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "True True True ['523.4万元']"
