"""Digits of scripts newer than Python's Unicode tables: the regex module reads them as digits,
float() may not — then they are no number, and never an exception."""

import gonghui_extract

KIRAT_RAI = "\U00016d70\U00016d71"  # Unicode 16 digits (regex's \d, unknown to float() on 3.11)


def test_parse_number_does_not_raise_on_them() -> None:
    assert gonghui_extract.parse_number(KIRAT_RAI) in (None, 1.0)  # 1.0 where float() knows them


def test_extract_keeps_going_past_them() -> None:
    doc = gonghui_extract.extract(f"发放{KIRAT_RAI}万元，救助职工523人。", reference_date="2023-11-15")
    assert 523.0 in [m.value for m in doc.metrics]
