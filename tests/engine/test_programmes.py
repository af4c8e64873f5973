"""Programme items evaluated as of a day: exactly the contract's findings ("Programme items").

Every kind of item (one-off, yearly, quarterly, milestone, continuous) × every case (done on
time, done late, in progress, nothing), on several days, with reports imported like any table.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance.cli import app as cli
from compliance.engine.evaluate import Selection, evaluate
from compliance.engine.programme_rules import ProgrammeRule, catalogue
from compliance.registry.importer import import_folder
from tests.engine.programme_fixture import PROGRAMME, report_rows, write_reports, write_rules

V, R = "violation", "at_risk"
ALL = ("Ban A", "Ban B", "Ban C", "Ban D")
LATE = ("Ban B", "Ban C", "Ban D")  # on the day, B's late report is not filed yet
OPEN = ("Ban C", "Ban D")  # never done


def _each(item: str, units: tuple[str, ...], period: str | None, status: str) -> set[tuple]:
    return {(f"{PROGRAMME}/{item}", unit, period, status) for unit in units}


EXPECTED: dict[dt.date, set[tuple]] = {
    dt.date(2022, 6, 1): _each("3", ALL, "2022-Q1", V),
    dt.date(2023, 9, 1): _each("1", ALL, None, R)  # due 30/09: A's report (20/09) is later
    | _each("2", ALL, "2022", V)
    | _each("3", ALL, "2023-Q2", V)
    | _each("4", OPEN, "2022-12-31", V),  # B's late report (20/01/2023) is filed by now
    dt.date(2023, 10, 1): _each("1", LATE, None, V)
    | _each("2", ALL, "2022", V)
    | _each("3", ALL, "2023-Q3", V)
    | _each("4", OPEN, "2022-12-31", V),
    dt.date(2024, 1, 15): _each("1", OPEN, None, V)
    | _each("2", LATE, "2023", V)
    | _each("3", ALL, "2023-Q4", V)
    | _each("4", OPEN, "2022-12-31", V),
    dt.date(2024, 10, 15): _each("1", OPEN, None, V)
    | _each("2", OPEN, "2023", V)
    | _each("3", LATE, "2024-Q3", V)
    | _each("4", OPEN, "2022-12-31", V),
    dt.date(2025, 12, 10): _each("1", OPEN, None, V)
    | _each("2", ALL, "2024", V)
    | _each("3", ALL, "2025-Q3", V)
    | _each("4", OPEN, "2022-12-31", V)
    | _each("4", ALL, "2025-12-31", R),  # the final review is due in 21 days
}


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    return write_rules(tmp_path / "rules")


@pytest.fixture
def programme_db(engine, tmp_path: Path, rules_dir: Path):
    import_folder(engine, write_reports(tmp_path / "reports", report_rows()))
    return engine


@pytest.mark.parametrize("day", sorted(EXPECTED), ids=str)
def test_each_kind_and_case_gives_exactly_the_contract_findings(programme_db, rules_dir, day):
    rules = catalogue([rules_dir])
    assert sum(isinstance(r, ProgrammeRule) for r in rules) == 5
    with programme_db.connect() as conn:
        findings = evaluate(conn, rules, day, Selection())
    assert {(f.rule, f.unit, f.period, f.status) for f in findings} == EXPECTED[day]


def test_due_dates_facts_and_scope(programme_db, rules_dir):
    rules = catalogue([rules_dir])
    day = dt.date(2024, 1, 15)
    with programme_db.connect() as conn:
        by_key = {(f.rule, f.unit, f.period): f for f in evaluate(conn, rules, day)}
        one_item = evaluate(conn, rules, day, Selection.of(rules=[f"{PROGRAMME}/2"]))
        one_body = evaluate(conn, rules, day, Selection.of(units=["ban_c"]))
        province = evaluate(conn, rules, day, Selection.of(province="66"))
        older = evaluate(conn, rules, day, Selection.of(rules=[f"{PROGRAMME}/3"]), history=3)
    yearly = by_key[(f"{PROGRAMME}/2", "Ban C", "2023")]
    assert yearly.due == dt.date(2023, 12, 31)
    assert yearly.facts["report_status"] == "in_progress"
    assert yearly.facts["reported_on"] == dt.date(2024, 1, 5)
    assert yearly.unit_name == "Ban C" and yearly.province_code == "66"
    assert by_key[(f"{PROGRAMME}/1", "Ban D", None)].due == dt.date(2023, 9, 30)
    assert by_key[(f"{PROGRAMME}/4", "Ban D", "2022-12-31")].due == dt.date(2022, 12, 31)
    assert {f.unit for f in one_item} == {"Ban B", "Ban C", "Ban D"}
    assert {f.rule for f in one_item} == {f"{PROGRAMME}/2"}
    assert {f.unit for f in one_body} == {"Ban C"} == {f.unit for f in province}
    assert [f.period for f in older if f.unit == "Ban A"] == ["2023-Q2", "2023-Q3", "2023-Q4"]


def test_evaluate_command_prints_programme_findings_with_their_source(
    programme_db, rules_dir, monkeypatch
):
    monkeypatch.setenv("COMPLIANCE_DATABASE_URL", programme_db.url.render_as_string(False))
    monkeypatch.setenv("COMPLIANCE_RULES_DIR", str(rules_dir))
    from compliance.settings import get_settings

    get_settings.cache_clear()
    runner = CliRunner()
    args = ["evaluate", "--as-of", "2023-10-01", "--format", "jsonl"]
    result = runner.invoke(cli, [*args, "--programme", PROGRAMME, "--explain"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    one_off = next(r for r in rows if r["rule"] == f"{PROGRAMME}/1" and r["unit"] == "Ban B")
    assert {k: one_off[k] for k in ("rule", "unit", "period", "status", "due")} == {
        "rule": f"{PROGRAMME}/1",
        "unit": "Ban B",
        "period": None,
        "status": "violation",
        "due": "2023-09-30",
    }
    assert one_off["explanation"] == (
        "Ban B chưa báo cáo hoàn thành đến ngày 01/10/2023 nhiệm vụ “1. Nhiệm vụ số 1 của chương "
        "trình”, hạn 30/09/2023. (Căn cứ: Chương trình hành động số 01-CTr/TU ngày 10/01/2022 "
        "của Ban Thường vụ Tỉnh ủy Thử, mục II.2.)"
    )
    assert one_off["source"]["quote"] == "Câu trích nhiệm vụ 1."
    assert len(rows) == len(EXPECTED[dt.date(2023, 10, 1)])

    only = runner.invoke(cli, [*args, "--rule", f"{PROGRAMME}/4"])
    assert {json.loads(line)["period"] for line in only.output.splitlines()} == {"2022-12-31"}
    unknown = runner.invoke(cli, [*args, "--programme", "tinh.ctr_02"])
    assert unknown.exit_code == 2
    assert "Không có chương trình 'tinh.ctr_02'; có phải 'tinh.ctr_01'?" in unknown.output
