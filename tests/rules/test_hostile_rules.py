"""Hostile rule files: each is refused by ``rules validate`` with FILE:LINE and a Vietnamese
message, quickly and without a traceback; a text that still fails on one unit's facts at run
time gives a fallback text and the run goes on."""

from __future__ import annotations

import datetime as dt
import logging
import re
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy import text as sql
from typer.testing import CliRunner

from compliance import db
from compliance.cli import app
from compliance.engine.cases import run_all, write_registry
from compliance.engine.evaluate import Selection, evaluate
from compliance.followup.findings_store import FINDINGS
from compliance.followup.sync import RunOrder, record_and_sync
from compliance.registry.importer import import_folder
from compliance.review.explain import explain
from compliance.rules.trial import RenderTimeout, time_limit
from compliance.rules.validate import RulesInvalid, load_rules

ROOT = Path(__file__).parents[2]
BASE = (ROOT / "rules" / "complaint" / "resolution.yaml").read_text(encoding="utf-8")
UNION = (ROOT / "rules" / "union" / "establishment.yaml").read_text(encoding="utf-8")
VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]")
TITLE = 'title: "Đơn {{ unit.code }} quá hạn giải quyết"'
BODY_LINE = "    Đề nghị khẩn trương giải quyết và báo cáo kết quả.\n"


def changed(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if fragment in line)


def refused(tmp_path: Path, text: str, line: int | None, *words: str) -> str:
    """The one problem of ``text``, checked: FILE:LINE, Vietnamese, naming ``words``."""
    path = tmp_path / "rule.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(RulesInvalid) as info:
        load_rules([path])
    assert time.monotonic() - started < 5
    [problem] = [str(p) for p in info.value.problems]
    expected = f"{path}:{line}: " if line is not None else f"{path}:"
    assert problem.startswith(expected), problem
    assert VIETNAMESE.search(problem), problem
    for word in words:
        assert word in problem, problem
    return problem


# Rules that passed validation and then crashed every run ---------------------------------------


def test_division_by_zero_in_a_title(tmp_path):
    text = changed(BASE, TITLE, 'title: "Đơn {{ unit.code }}: {{ 30 // (facts.complex | int) }}"')
    refused(tmp_path, text, line_of(text, "  title:"), "follow_up.title", "chia cho 0")


def test_a_macro_calling_itself(tmp_path):
    body = "    {% macro again() %}{{ again() }}{% endmacro %}{{ again() }}\n"
    text = changed(BASE, BODY_LINE, body)
    refused(tmp_path, text, line_of(text, "body: |"), "follow_up.body", "gọi lại chính nó")
    # twice a level, 40 levels: 2**40 calls, never deep enough for a RecursionError
    twice = "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
    text = changed(BASE, BODY_LINE, f"    {twice}{{{{ f(40) }}}}\n")
    refused(tmp_path, text, line_of(text, "body: |"), "follow_up.body", "bước")


def test_a_string_repeated_thirty_billion_times(tmp_path):
    text = changed(BASE, TITLE, "title: \"{{ 'x' * 30000000000 }}\"")
    refused(tmp_path, text, line_of(text, "  title:"), "30000000000", "tối đa")


def test_days_of_a_trillion(tmp_path):
    text = re.sub(r"due: .*\n", 'due: "facts.accepted_on + days(1000000000000)"\n', BASE)
    refused(tmp_path, text, line_of(text, "due:"), "due:", "vượt quá giới hạn")


def test_a_threshold_too_big_for_sqlite(tmp_path):
    text = changed(UNION, "gte: $min_workers", "gte: 1.0e+999")
    refused(tmp_path, text, line_of(text, "1.0e+999"), "không hữu hạn")


def test_a_parameter_too_big_for_sqlite(tmp_path):
    text = changed(BASE, "default: 30", "default: 100000000000000000000")
    refused(tmp_path, text, line_of(text, "100000000000000000000"), "quá lớn")


def test_a_sandbox_violation_seen_only_when_rendered(tmp_path):
    text = changed(BASE, TITLE, 'title: "{{ as_of.__class__.__mro__ }}"')
    refused(tmp_path, text, line_of(text, "  title:"), "hộp cát")


def test_nested_ranges(tmp_path):
    loops = "{% for i in range(100000) %}{% for j in range(100000) %}.{% endfor %}{% endfor %}"
    text = changed(BASE, BODY_LINE, f"    {loops}\n")
    refused(tmp_path, text, line_of(text, "body: |"), "range")
    loops = "{% for i in range(10000) %}{% for j in range(10000) %}.{% endfor %}{% endfor %}"
    text = changed(BASE, BODY_LINE, f"    {loops}\n")
    refused(tmp_path, text, line_of(text, "body: |"), "bước")


def test_a_text_of_forty_thousand_characters(tmp_path):
    text = changed(BASE, BODY_LINE, "    {% for i in range(20) %}{{ 'x' * 2000 }}{% endfor %}\n")
    refused(tmp_path, text, line_of(text, "body: |"), "tối đa 20000")


def test_a_case_on_the_last_day_of_the_calendar(tmp_path):
    text = changed(BASE, "as_of: 2025-03-01", "as_of: 9999-12-31")
    refused(tmp_path, text, line_of(text, "9999-12-31"), "nằm ngoài khoảng")


def test_a_power_tower(tmp_path):
    text = changed(BASE, TITLE, 'title: "{{ 10 ** 10 ** 10 }}"')
    refused(tmp_path, text, line_of(text, "  title:"), "lũy thừa")


def test_a_billion_wide_format(tmp_path):
    text = changed(BASE, TITLE, "title: \"{{ '%0999999999d' % 1 }}{{ 'x' | center(999999999) }}\"")
    refused(tmp_path, text, line_of(text, "  title:"), "độ rộng")


def test_a_date_shift_of_ten_million_days(tmp_path):
    text = changed(
        BASE, "days_before_as_of: $complex_resolution_days", "days_before_as_of: 10000000"
    )
    refused(tmp_path, text, line_of(text, "10000000"), "10000000 ngày")


def test_a_task_due_in_a_trillion_days(tmp_path):
    text = changed(BASE, "due_in_days: 15", "due_in_days: 1000000000000")
    refused(tmp_path, text, line_of(text, "due_in_days"), "due_in_days", "vượt quá giới hạn")


def test_a_text_that_fails_when_a_fact_is_unknown(tmp_path):
    text = changed(BASE, TITLE, 'title: "Giải quyết năm {{ facts.resolved_on.year }}"')
    refused(tmp_path, text, line_of(text, "  title:"), "null", "không xác định")


# Files that made validation itself fail ---------------------------------------------------------


def test_an_impossible_date_in_a_case(tmp_path):
    text = changed(BASE, "as_of: 2025-03-01", "as_of: 2025-02-30")
    refused(tmp_path, text, line_of(text, "2025-02-30"), "2025-02-30", "không tồn tại")


def test_conditions_nested_two_thousand_deep(tmp_path):
    deep = "{not: " * 2000 + "{fact: complex, eq: true}" + "}" * 2000
    text = re.sub(r"violation:\n(  .*\n)+", f"violation: {deep}\n", BASE)
    refused(tmp_path, text, line_of(text, "violation:"), "quá sâu")


def test_conditions_nested_deeper_than_the_engines_take(tmp_path):
    """all/any alternating 15 deep: durable-rules refused the ruleset (error code 113)."""
    deep = "{fact: complex, eq: true}"
    for level in range(15):
        deep = f"{{{('all', 'any')[level % 2]}: [{{fact: complex, is_null: false}}, {deep}]}}"
    text = re.sub(r"violation:\n(  .*\n)+", f"violation: {deep}\n", BASE)
    refused(tmp_path, text, line_of(text, "violation:"), "violation", "quá sâu", "12 mức")


def test_a_condition_too_wide_for_sqlite(tmp_path):
    wide = ", ".join(f"2024-01-{1 + i % 28:02d}" for i in range(1500))
    text = re.sub(
        r"violation:\n(  .*\n)+", f"violation: {{fact: accepted_on, in: [{wide}]}}\n", BASE
    )
    refused(tmp_path, text, line_of(text, "violation:"), "1500")


def test_an_alias_bomb(tmp_path):
    bomb = '_: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for level in "bcdefghij":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [{','.join('*' + previous for _ in range(9))}]\n"
    assert len(bomb) < 1500
    text = BASE + "x:\n" + "".join(f"  {line}\n" for line in bomb.splitlines())
    refused(tmp_path, text, line_of(text, "_: &a"), "neo/bí danh")


def test_a_duplicated_key(tmp_path):
    text = BASE + "severity: low\n"
    problem = refused(tmp_path, text, len(text.splitlines()), "'severity' lặp lại")
    assert f"dòng {line_of(BASE, 'severity: high')}" in problem


def test_a_file_over_a_megabyte(tmp_path):
    text = changed(BASE, "description: >-\n", "description: >-\n" + "  chữ\n" * 300_000)
    refused(tmp_path, text, 1, "quá lớn")


def test_the_command_refuses_them_without_a_traceback(tmp_path):
    bomb = "a: &a [x, x, x, x]\nb: [*a, *a, *a, *a]\n"
    files = {
        "bomb.yaml": BASE + bomb,
        "date.yaml": changed(BASE, "as_of: 2025-03-01", "as_of: 2025-02-30"),
        "deep.yaml": BASE + "x: " + "[" * 2000 + "]" * 2000 + "\n",
        "loop.yaml": changed(
            BASE,
            BODY_LINE,
            "    {% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}\n",
        ),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    started = time.monotonic()
    result = CliRunner().invoke(app, ["rules", "validate", str(tmp_path)])
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for name in files:
        assert re.search(rf"{re.escape(str(tmp_path / name))}:\d+: ", result.output), name
    good = CliRunner().invoke(app, ["rules", "validate", str(ROOT / "rules")])
    assert good.exit_code == 0, good.output


def test_a_render_slower_than_the_limit_is_stopped():
    started = time.monotonic()
    with pytest.raises(RenderTimeout), time_limit(0.2):
        while True:
            pass
    assert time.monotonic() - started < 2


def test_bounds_leave_ordinary_templates_alone(tmp_path):
    body = "    {% for i in range(3) %}{{ i }}{% endfor %} {{ '%5d' % 3 }} {{ 'x' * 3 }}"
    body += " {{ 2 ** 10 }} {{ 'x' | center(9) }} {{ '{:>5}'.format(1) }}\n"
    path = tmp_path / "rule.yaml"
    path.write_text(changed(BASE, BODY_LINE, body), encoding="utf-8")
    [loaded] = load_rules([path])
    assert loaded.id == "complaint.resolution"


# At run time ------------------------------------------------------------------------------------


def test_a_text_failing_on_one_unit_gives_a_fallback_and_the_run_goes_on(tmp_path, caplog):
    failing = "{{ 100 // (facts.accepted_on.day - 7) }}"
    text = changed(BASE, TITLE, f'title: "Đơn {{{{ unit.code }}}} quá hạn {failing}"')
    text = changed(text, "vẫn chưa giải quyết.", f"vẫn chưa giải quyết ({failing}).")
    path = tmp_path / "rule.yaml"
    path.write_text(text, encoding="utf-8")
    [rule] = load_rules([path])  # the synthetic units and the case never have day 7
    registry = {
        "unions": [{"code": "U", "kind": "grassroots_union"}],
        "complaints": [
            {"id": "K07", "union_code": "U", "accepted_on": dt.date(2025, 1, 7)},
            {"id": "K08", "union_code": "U", "accepted_on": dt.date(2025, 1, 8)},
        ],
    }
    write_registry(tmp_path / "registry", registry)
    engine = db.make_engine(f"sqlite:///{tmp_path / 'case.db'}")
    db.upgrade(engine)
    import_folder(engine, tmp_path / "registry", effective_date=dt.date(2025, 3, 1))
    with engine.connect() as conn, caplog.at_level(logging.DEBUG, "compliance.rules.render"):
        findings = evaluate(conn, [rule], dt.date(2025, 3, 1), Selection(), method="python")
        by_unit = {f.unit: f for f in findings}
        assert set(by_unit) == {"K07", "K08"}
        bad, good = by_unit["K07"], by_unit["K08"]
        assert bad.explanation.startswith("(không hiển thị được nội dung: chia cho 0)")
        assert "Căn cứ: 004_61b455b33068824b.txt" in bad.explanation
        assert good.explanation.endswith("vẫn chưa giải quyết (100). (Căn cứ: "
                                         "004_61b455b33068824b.txt, mục II.9.)")  # fmt: skip
    record_and_sync(engine, [rule], findings, RunOrder(as_of=dt.date(2025, 3, 1)))
    with engine.connect() as conn:
        tasks = dict(conn.execute(sql("SELECT unit, title FROM follow_up_tasks")).all())
        rows = [dict(r) for r in conn.execute(select(FINDINGS)).mappings()]
        explain(conn, rows)  # rendered when read, as the case file does
    engine.dispose()
    stored = {row["unit"]: row["explanation"] for row in rows}
    assert tasks == {
        "K07": "(không hiển thị được nội dung: chia cho 0)",
        "K08": "Đơn K08 quá hạn 100",
    }
    assert stored["K07"].startswith("(không hiển thị được nội dung: chia cho 0)")
    assert any("complaint.resolution" in r.getMessage() for r in caplog.records)


def test_rules_test_shows_a_text_failing_on_a_case_unit(tmp_path):
    failing = "{{ 100 // (facts.accepted_on.day - 7) }}"
    text = changed(BASE, TITLE, f'title: "Đơn {{{{ unit.code }}}} quá hạn {failing}"')
    text = changed(text, "{id: K31, union_code: U, accepted_on: 2025-01-29}",
                   "{id: K31, union_code: U, accepted_on: 2025-01-07}")  # fmt: skip
    path = tmp_path / "rule.yaml"
    path.write_text(text, encoding="utf-8")
    [result] = run_all(load_rules([path]))
    assert not result.passed
    assert result.problems() == ["K31: follow_up.title: không hiển thị được: chia cho 0"]


def test_the_render_limit_puts_back_an_alarm_already_set():
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        with time_limit(0.1):
            pass
        time.sleep(0.8)
        assert fired == [1]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_control_character_and_a_six_thousand_digit_number(tmp_path):
    text = changed(BASE, "severity: high", 'severity: "\x00"')
    refused(tmp_path, text, line_of(text, "severity:"), "#x0000")
    text = changed(BASE, "due_in_days: 15", "due_in_days: 0x" + "f" * 6000)
    problem = refused(tmp_path, text, line_of(text, "due_in_days"), "quá lớn")
    assert len(problem) < 400
