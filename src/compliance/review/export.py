"""Tasks as a spreadsheet: exactly the filtered list, for CSV and XLSX, safe to open in Excel.

Committees keep working in spreadsheets; an export they open must never run anything: a cell
that starts like a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage return — a name
typed as ``=HYPERLINK(…)`` in a delivery) is written as text with a leading apostrophe, the
neutralisation OWASP recommends. Numbers and dates stay numbers and dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from sqlalchemy import Connection, select

from compliance.formatting import FINDING_STATUS_VI, SEVERITY_VI, TASK_STATUS_VI, label
from compliance.models.followup import FollowUpTask
from compliance.registry.places import province_label
from compliance.review.grouped import UnitRow, status_summary
from compliance.review.queries import Filters
from compliance.review.scope import Scope

# (header, how a task row gives the cell)
COLUMNS: tuple[tuple[str, Any], ...] = (
    ("Số", lambda t: t.id),
    ("Quy tắc", lambda t: t.rule),
    ("Mã đơn vị", lambda t: t.unit),
    ("Tên đơn vị", lambda t: t.unit_name),
    ("Kỳ", lambda t: t.period_key or None),
    ("Phát hiện", lambda t: label(FINDING_STATUS_VI, t.finding_status)),
    ("Mức độ", lambda t: label(SEVERITY_VI, t.severity)),
    ("Trạng thái", lambda t: label(TASK_STATUS_VI, t.status)),
    ("Hạn xử lý", lambda t: t.due_on),
    ("Người phụ trách", lambda t: t.assignee),
    ("Cơ quan chịu trách nhiệm", lambda t: t.responsible_code),
    ("Mã tỉnh", lambda t: t.province_code),
    ("Tiêu đề", lambda t: t.title),
)
# The flagged list by unit (review.grouped), one row per unit as the page shows it.
UNIT_HEADERS = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Số việc",
    "Quy tắc",
    "Trạng thái",
    "Mức độ cao nhất",
    "Hạn gần nhất",
    "Số việc quá hạn",
    "Công đoàn cấp trên trực tiếp",
    "Mã công đoàn cấp trên",
    "Tỉnh",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, made inert; other values unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def rows(conn: Connection, scope: Scope, filters: Filters) -> Iterator[list[Any]]:
    """Every task the filters select inside the scope (no paging), in the list's order."""
    tasks = FollowUpTask.__table__  # type: ignore[attr-defined]
    statement = (
        select(tasks)
        .where(scope.covers(tasks), *filters.clauses(tasks))
        .order_by(tasks.c.due_on.is_(None), tasks.c.due_on, tasks.c.id)
        .execution_options(yield_per=2_000)
    )
    yield from task_rows(conn.execute(statement))


def task_rows(tasks: Iterable[Any]) -> Iterator[list[Any]]:
    """The cells of task rows, as stored (each format makes them safe its own way)."""
    for task in tasks:
        yield [cell(task) for _, cell in COLUMNS]


def unit_rows(units: Iterable[UnitRow], rule_titles: dict[str, str]) -> Iterator[list[Any]]:
    """The cells of the by-unit list: rule names and statuses with their task counts."""
    for row in units:
        rules = "; ".join(
            f"{rule_titles.get(rule, rule)}" + (f" ({n})" if n > 1 else "")
            for rule, n in sorted(row.rules.items())
        )
        yield [
            row.unit,
            row.unit_name,
            row.tasks,
            rules,
            status_summary(row.statuses.items(), TASK_STATUS_VI),
            label(SEVERITY_VI, row.severity) if row.severity else None,
            row.first_due,
            row.overdue,
            row.superior_name,
            row.superior_code,
            province_label(row.province_code) if row.province_code else None,
        ]


def csv_bytes(data: Iterable[list[Any]], headers: Iterable[str] | None = None) -> bytes:
    """UTF-8 with a byte-order mark (Excel reads Vietnamese right only with it); dates as
    DD/MM/YYYY, as people type them."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(headers or (header for header, _ in COLUMNS)))
    for row in data:
        writer.writerow(
            [
                "" if v is None else f"{v:%d/%m/%Y}" if isinstance(v, dt.date) else neutralise(v)
                for v in row
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(
    data: Iterable[list[Any]],
    headers: Iterable[str] | None = None,
    title: str = "Việc cần theo dõi",
) -> bytes:
    """One sheet with an autofilter over every row; text cells are typed as text, so nothing
    that starts like a formula runs, and the text stays exactly as stored."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    heads = list(headers or (header for header, _ in COLUMNS))
    sheet.append(heads)
    count = 0
    for row in data:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
            elif isinstance(value, dt.date):
                cell.number_format = "DD/MM/YYYY"
            cells.append(cell)
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(heads))}{count + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
