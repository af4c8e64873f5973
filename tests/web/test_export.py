"""Exports of the filtered list (issue 16.7): exactly what is filtered, safe to open in Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from types import SimpleNamespace

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from compliance.review import export
from tests.test_cli import run
from tests.web.conftest import Reviewed


def test_exports_hold_exactly_the_filtered_tasks_of_the_scope(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    client = client_for("inspector80")
    params = {"family": "compliance", "severity": "high", "status": "all"}
    listed = client.get("/api/tasks", params=params).json()
    assert listed["total"] > 25  # more than one page: the export is not the page
    sheet = client.get("/units/export.csv", params=params)
    assert sheet.status_code == 200 and "attachment" in sheet.headers["content-disposition"]
    assert sheet.content.startswith(b"\xef\xbb\xbf")  # Excel reads Vietnamese with the BOM
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Số", "Quy tắc", "Mã đơn vị"]
    assert len(rows) - 1 == listed["total"]
    assert {r[11] for r in rows[1:]} == {"80"}  # the inspector's province only
    assert {r[6] for r in rows[1:]} == {"cao"} and all("data_quality" not in r[1] for r in rows)
    book = load_workbook(io.BytesIO(client.get("/units/export.xlsx", params=params).content))
    table = book.active
    assert table.max_row - 1 == listed["total"] and table.auto_filter.ref.startswith("A1:")


def test_a_cell_that_looks_like_a_formula_never_runs() -> None:
    task = SimpleNamespace(
        id=7, rule="r", unit='=HYPERLINK("http://x")', unit_name="+cmd", period_key="",
        finding_status="violation", severity="low", status="open", due_on=dt.date(2026, 1, 2),
        assignee="@me", responsible_code="-1", province_code="80", title="\tx",
    )  # fmt: off
    text = export.csv_bytes(export.task_rows([task])).decode("utf-8-sig")
    cells = list(csv.reader(io.StringIO(text)))[1]
    for cell in (cells[2], cells[3], cells[9], cells[10], cells[12]):
        assert cell.startswith("'"), cell
    assert cells[8] == "02/01/2026"
    book = load_workbook(io.BytesIO(export.xlsx_bytes(export.task_rows([task]))))
    unit = book.active["C2"]
    assert unit.data_type == "s" and unit.value == task.unit  # text, exactly as stored


def test_the_cli_exports_the_tasks_it_lists(reviewed: Reviewed, tmp_path) -> None:
    if reviewed.engine.dialect.name != "sqlite":
        return  # one database is enough for the command line; the SQL is the list's
    env = {"COMPLIANCE_DATABASE_URL": str(reviewed.engine.url)}
    lines = run("tasks", "list", "--status", "open", "--province", "80", "--format", "jsonl",
                cwd=tmp_path, env=env).stdout.splitlines()  # fmt: off
    out = tmp_path / "viec.xlsx"
    result = run("tasks", "list", "--status", "open", "--province", "80", "--format", "xlsx",
                 "--out", str(out), cwd=tmp_path, env=env)  # fmt: off
    assert result.returncode == 0, result.stderr
    sheet = load_workbook(out).active
    assert sheet.max_row - 1 == len(lines) > 0
    assert {json.loads(line)["unit"] for line in lines} == {
        row[2] for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    refused = run("tasks", "list", "--format", "xlsx", cwd=tmp_path, env=env)
    assert refused.returncode != 0 and "--out" in refused.stderr
