"""Exports of the flagged list (issue 16.7): exactly what is filtered and sorted, by unit, safe
to open in Excel; the command line exports tasks the same way."""

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


def test_exports_hold_exactly_the_filtered_and_sorted_units_of_the_scope(
    reviewed: Reviewed, client_for: Callable[..., TestClient]
) -> None:
    client = client_for("inspector80")
    params = {"family": "compliance", "severity": "medium", "status": "all"}
    order = {"sort": "tasks", "dir": "desc"}
    tasks = client.get("/api/tasks", params=params).json()["total"]
    listed: list[dict[str, object]] = []
    page = 1
    while True:
        body = client.get("/api/units", params={**params, **order, "page": page}).json()
        listed += body["items"]
        if page == body["pages"]:
            break
        page += 1
    assert len(listed) > 25  # more than one page: the export is not the page
    sheet = client.get("/units/export.csv", params={**params, **order})
    assert sheet.status_code == 200 and "attachment" in sheet.headers["content-disposition"]
    assert sheet.content.startswith(b"\xef\xbb\xbf")  # Excel reads Vietnamese with the BOM
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Mã đơn vị", "Tên đơn vị", "Số việc"]
    assert [r[0] for r in rows[1:]] == [u["unit"] for u in listed]  # the same units, in order
    assert sum(int(r[2]) for r in rows[1:]) == tasks  # every filtered task, in its unit's row
    assert {r[10] for r in rows[1:]} == {"Tây Ninh (80)"}  # the inspector's province only
    assert {r[5] for r in rows[1:]} == {"trung bình"}
    assert all("data_quality" not in r[3] for r in rows)
    assert [int(r[2]) for r in rows[1:]] == [u["tasks"] for u in listed]
    assert max(int(r[2]) for r in rows[1:]) > 1  # a unit with several tasks is one row
    book = load_workbook(io.BytesIO(client.get("/units/export.xlsx", params=params).content))
    table = book.active
    assert table.max_row - 1 == len(listed) and table.auto_filter.ref.startswith("A1:")


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
    sheet_csv = run("tasks", "list", "--status", "open", "--province", "80", "--format", "csv",
                    cwd=tmp_path, env=env)  # fmt: off
    rows = list(csv.reader(io.StringIO(sheet_csv.stdout.lstrip("\ufeff"))))
    assert rows[0][0] == "Số" and len(rows) - 1 == len(lines)
    refused = run("tasks", "list", "--format", "xlsx", cwd=tmp_path, env=env)
    assert refused.returncode != 0 and "--out" in refused.stderr
