"""A real delivery with implausible rows, as a new user would load it (issue 11).

Generated with Vietnamese headers and DD/MM/YYYY dates and a share of implausible rows, loaded
by the installed command: accepted with a warning per row, evaluated exactly as the contract
reads it (tests/engine/oracle.py over the same rows), and every unit with an implausible row has
its data-quality finding. ``--strict`` refuses the same delivery and writes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from compliance.generate import GenerateOptions, generate_registry
from compliance.registry.contract import TABLES_BY_NAME, Kind
from tests.engine import oracle
from tests.test_cli import run

OPTIONS = GenerateOptions(provinces=("80",), enterprises=600, seed=11, implausible=0.1)
TABLES = ("enterprises", "unions", "inspections", "reviews", "ratings", "agreements")
TABLES += ("conferences", "fee_payments", "complaints", "chair_elections")
DATES = (dt.date(2026, 10, 1), dt.date(2026, 1, 1), dt.date(2025, 7, 15))


def _typed(table: str, row: dict[str, str]) -> dict[str, Any]:
    spec = TABLES_BY_NAME[table]
    typed: dict[str, Any] = {}
    for name, cell in row.items():
        kind = spec.column(name).kind
        if cell == "":
            typed[name] = None
        elif kind in (Kind.COUNT, Kind.YEAR):
            typed[name] = int(cell)
        elif kind is Kind.AMOUNT:
            typed[name] = float(cell)
        elif kind is Kind.DATE:
            typed[name] = dt.date.fromisoformat(cell)
        elif kind is Kind.BOOL:
            typed[name] = cell == "true"
        else:
            typed[name] = cell
    return typed


@pytest.fixture(scope="module")
def delivery(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[dict]]]:
    """The Vietnamese delivery, and the same registry read from its ISO twin for the oracle."""
    root = tmp_path_factory.mktemp("implausible")
    generate_registry(root / "giao_nop", replace(OPTIONS, headers="vi", dates="vn"))
    generate_registry(root / "iso", OPTIONS)
    rows: dict[str, list[dict]] = {}
    for table in TABLES:
        with (root / "iso" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            rows[table] = [_typed(table, r) for r in csv.DictReader(handle)]
    return root, rows


def _implausible_units(rows: dict[str, list[dict]]) -> set[tuple[str, str]]:
    return {(rule, unit) for rule, unit, _, _ in oracle.data_quality(rows)}


def test_the_delivery_loads_with_warnings_and_evaluates_as_the_contract_reads(delivery):
    root, rows = delivery
    expected_dq = oracle.data_quality(rows)
    assert {rule for rule, *_ in expected_dq} >= {
        "data_quality.enterprise_workers",
        "data_quality.union_members",
        "data_quality.agreement_dates",
        "data_quality.complaint_dates",
    }  # the generator's mess reaches every kind it spoils

    url = f"sqlite:///{root / 'registry.db'}"
    env = {"COMPLIANCE_DATABASE_URL": url}
    loaded = run("import", "giao_nop", "--format", "json", cwd=root, env=env)
    assert loaded.returncode == 0, loaded.stderr
    report = json.loads(loaded.stdout)
    assert report["refused"] is False
    codes = Counter(i["code"] for i in report["issues"] if i["severity"] == "warning")
    assert report["warnings"]["row.part_exceeds_whole"] == codes["row.part_exceeds_whole"] > 0
    assert codes["row.dates_out_of_order"] > 0
    assert not [i for i in report["issues"] if i["severity"] == "error"]
    text_run = run("import", "giao_nop", "--no-progress", cwd=root, env=env)  # idempotent
    assert text_run.returncode == 0 and "row.part_exceeds_whole:" in text_run.stderr

    rules = [*oracle.CONTRACT_RULES, *oracle.DATA_QUALITY_RULES]
    for day in DATES:
        args = ["evaluate", "--as-of", day.isoformat(), "--format", "jsonl"]
        args += [arg for rule in rules for arg in ("--rule", rule)]
        result = run(*args, cwd=root, env=env)
        assert result.returncode == 0, result.stderr
        found = {
            (f["rule"], f["unit"], f["period"], f["status"])
            for f in map(json.loads, result.stdout.splitlines())
        }
        expected = oracle.findings(rows, day) | expected_dq
        assert found == expected, (day, sorted(found ^ expected)[:10])
    # every unit with an implausible row has its finding, and no other unit has one
    flagged = {(r, u) for r, u, _, _ in found if r.startswith("data_quality.")}
    assert flagged == _implausible_units(rows)


def test_strict_refuses_the_same_delivery_and_writes_nothing(delivery):
    root, _ = delivery
    url = f"sqlite:///{root / 'strict.db'}"
    result = run("import", "giao_nop", "--strict", cwd=root, env={"COMPLIANCE_DATABASE_URL": url})
    assert result.returncode == 1
    assert "[row.part_exceeds_whole]" in result.stderr and "Traceback" not in result.stderr
    engine = create_engine(url)
    with engine.connect() as conn:
        for table in (*TABLES, "import_batches", "import_warnings"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0, table
    engine.dispose()
