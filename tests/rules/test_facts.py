"""A rule's own facts (``facts:``): every malformed entry is refused with FILE:LINE, a Vietnamese
message and a suggestion, never a traceback; the schema documents them; the version hashes them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from compliance.rules.model import Rule, json_schema
from compliance.rules.validate import RulesInvalid, load_rules

COMMAND = str(Path(sys.executable).parent / "compliance")

GOOD = """\
id: test.own_facts
title: Công đoàn tự kiểm tra
description: Mô tả.
source:
  document: 004_61b455b33068824b.txt
  section: II.9
  quote: "kiểm tra tài chính cùng cấp"
applies_to:
  subject: union
period: quarter
parameters:
  inspection_kind:
    default: finance
    description: Loại kiểm tra.
facts:
  checks:
    count: inspections
    match: {target_code: code}
    where:
      kind: $inspection_kind
      date: {gte: 2020-01-01}
    during: period
    label: số lần kiểm tra
violation: {fact: checks, lt: 1}
severity: low
explanation: "{{ unit.name }} có {{ facts.checks }} lần kiểm tra."
follow_up:
  responsible: self
  due_in_days: 30
  title: "Kiểm tra {{ unit.name }}"
  body: "Có {{ facts.checks }} lần."
"""


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "rule.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesInvalid) as info:
        load_rules([path])
    return [str(p) for p in info.value.problems]


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_the_good_rule_validates(tmp_path):
    path = tmp_path / "rule.yaml"
    path.write_text(GOOD, encoding="utf-8")
    [loaded] = load_rules([path])
    fact = loaded.facts["checks"]
    assert (fact.type, fact.label_vi, fact.needs_period) == ("int", "số lần kiểm tra", True)


BROKEN = [
    # (what the test provokes, replace this, with that (several: "a||b"), the line holding,
    # what the message says)
    ("unknown table", "count: inspections", "count: inspection", "count: inspection",
     "không có bảng 'inspection' trong sổ đăng ký; có phải 'inspections'?"),
    ("unknown column on the table side of match", "{target_code: code}", "{target_cod: code}",
     "target_cod", "bảng 'inspections' không có cột 'target_cod'; có phải 'target_code'?"),
    ("unknown column on the subject side of match", "{target_code: code}",
     "{target_code: cod}", "target_code: cod",
     "đối tượng (unions) không có cột 'cod'; có phải 'code'?"),
    ("match between columns of different types", "{target_code: code}",
     "{date: code}", "{date: code}", "khác kiểu"),
    ("unknown column in where", "      kind: $inspection_kind", "      knd: $inspection_kind",
     "knd:", "bảng 'inspections' không có cột 'knd'; có phải 'kind'?"),
    ("unknown date column", "    during: period", "    during: period\n    date: dat",
     "date: dat", "không có cột ngày 'dat'; có phải 'date'?"),
    ("date column that is not a date", "    during: period", "    during: period\n    date: kind",
     "date: kind", "cột 'kind' không phải cột ngày"),
    ("sum without of", "count: inspections", "sum: inspections", "sum: inspections",
     "'sum' cần 'of'"),
    ("sum of a text column", "count: inspections", "sum: inspections\n    of: kind", "of: kind",
     "'sum' cần một cột số, cột 'kind' là chữ"),
    ("unknown column in of", "count: inspections", "max: inspections\n    of: dat", "of: dat",
     "không có cột 'dat'; có phải 'date'?"),
    ("of with count", "count: inspections", "count: inspections\n    of: date", "of: date",
     "'of' chỉ dùng với sum, min, max"),
    ("a non-date compared with a date column", "{gte: 2020-01-01}", "{gte: yesterday}",
     "gte: yesterday", "giá trị 'yesterday' không so với cột 'date' (ngày"),
    ("a number for a text column", "kind: $inspection_kind", "kind: 3", "kind: 3",
     "giá trị 3 không so với cột 'kind' (chữ)"),
    ("a value the enumerated column does not hold", "kind: $inspection_kind", "kind: financ",
     "kind: financ", "có phải 'finance'?"),
    ("a list value of the wrong type", "kind: $inspection_kind", "kind: [finance, 7]",
     "kind: [finance, 7]", "giá trị 7 không so với cột 'kind'"),
    ("an unknown comparison", "{gte: 2020-01-01}", "{gtee: 2020-01-01}", "gtee",
     "phép so sánh 'gtee' không có"),
    ("an undefined parameter", "kind: $inspection_kind", "kind: $inspection_knd",
     "kind: $inspection_knd", "không có tham số '$inspection_knd'; có phải '$inspection_kind'?"),
    ("a parameter of the wrong type", "default: finance", "default: 12", "kind: $inspection",
     "tham số có giá trị 12, không so với cột 'kind'"),
    ("a name that shadows a built-in fact", "  checks:\n", "  members:\n", "  members:",
     "dữ kiện 'members' trùng tên dữ kiện có sẵn của công đoàn"),
    ("more than one aggregate", "count: inspections", "count: inspections\n    exists: reviews",
     "exists: reviews", "chỉ được có một phép tổng hợp (đã có 'count'); hãy bỏ 'exists'"),
    ("no aggregate", "    count: inspections\n", "", "  checks:", "cần đúng một phép tổng hợp"),
    ("during: period in a rule without a period", "period: quarter", "period: none",
     "during: period", "'during: period' cần quy tắc có kỳ"),
    ("$period_start in a rule without a period",
     "period: quarter||{gte: 2020-01-01}||during: period",
     "period: none||{gte: $period_start}||during: as_of", "gte: $period_start",
     "'$period_start' cần quy tắc có kỳ"),
    ("a name that is not an identifier", "  checks:\n", "  Checks-2:\n", "Checks-2",
     "chỉ gồm chữ thường"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("what", "old", "new", "line", "message"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_a_malformed_fact_is_refused_with_file_line_and_a_suggestion(
    tmp_path, what, old, new, line, message
):
    text = GOOD
    for before, after in zip(old.split("||"), new.split("||"), strict=True):
        assert before in text, what
        text = text.replace(before, after, 1)
    problems = problems_of(tmp_path, text)
    expected = f"{tmp_path / 'rule.yaml'}:{line_of(text, line)}: "
    assert any(p.startswith(expected) and message in p for p in problems), problems


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("during: period", "during: periodic", "facts.checks.during"),
        ("count: inspections", "count: [inspections]", "facts.checks.count"),
        ("facts:\n  checks:", "facts:\n  - checks:", "facts:"),
        ("    match: {target_code: code}\n", "", "thiếu khóa 'facts.checks.match'"),
        ("    label: số lần kiểm tra", "    lable: số lần kiểm tra", "khóa 'lable' không có"),
    ],
)
def test_a_misshapen_fact_is_a_schema_problem_not_a_traceback(tmp_path, old, new, message):
    problems = problems_of(tmp_path, GOOD.replace(old, new, 1))
    assert any(message in p for p in problems), problems


def test_the_cli_reports_a_bad_fact_without_a_traceback(tmp_path):
    (tmp_path / "rule.yaml").write_text(GOOD.replace("count: inspections", "count: inspectons"))
    result = subprocess.run(
        [COMMAND, "rules", "validate", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"rule.yaml:{line_of(GOOD, 'count: inspections')}: không có bảng 'inspectons'" in (
        result.stderr
    )


def test_a_fact_is_visible_to_its_own_rule_only(tmp_path):
    """Another rule of the same subject cannot name it: it is not a fact of the subject."""
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    other = GOOD.replace("id: test.own_facts", "id: test.other").replace("facts:\n", "unused:\n")
    other = other.split("unused:\n")[0] + "violation:" + other.split("\nviolation:")[1]
    (tmp_path / "b.yaml").write_text(other, encoding="utf-8")
    with pytest.raises(RulesInvalid) as info:
        load_rules([tmp_path])
    assert {p.file.name for p in info.value.problems} == {"b.yaml"}
    assert any("không có dữ kiện 'checks'" in p.message for p in info.value.problems)


def test_the_schema_documents_facts():
    schema = json_schema()
    assert "facts" in schema["properties"]
    fact = schema["$defs"]["DefinedFact"]
    assert {"count", "exists", "sum", "min", "max", "of", "match", "where", "during", "date",
            "label"} == set(fact["properties"])  # fmt: skip
    assert "match" in fact["required"]
    assert "period" in str(schema["$defs"]["During"])


def test_the_rule_version_hashes_its_facts_but_not_its_cases():
    import yaml

    data = yaml.safe_load(GOOD)
    base = Rule.model_validate(data).version()
    data["facts"]["checks"]["where"]["kind"] = "charter"
    assert Rule.model_validate(data).version() != base
    data["facts"]["checks"]["where"]["kind"] = "$inspection_kind"
    assert Rule.model_validate(data).version() == base
    data["tests"] = [{"name": "x", "as_of": "2025-01-01", "registry": {}, "expect": []}]
    assert Rule.model_validate(data).version() == base


def test_a_loaded_rule_pickles_after_its_facts_are_compiled(tmp_path):
    """A run hands its rules to worker processes; the compiled facts are rebuilt there."""
    import pickle

    path = tmp_path / "rule.yaml"
    path.write_text(GOOD, encoding="utf-8")
    [loaded] = load_rules([path])
    assert "checks" in loaded.facts and "members" in loaded.facts  # compiled and cached
    again = pickle.loads(pickle.dumps(loaded))
    assert again.facts["checks"].type == "int" and again.version == loaded.version
