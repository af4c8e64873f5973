"""``compliance rules preview`` output: the grouped delta as a table, JSON lines or a workbook.

The computing is :mod:`compliance.engine.preview` and :mod:`compliance.engine.preview_groups`;
this module only writes what they found, in Vietnamese (dates 01/10/2026, numbers 1.234).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from compliance.engine.preview import Delta, Preview
from compliance.engine.preview_groups import Group, headlines, province_name, sector_name
from compliance.formatting import FINDING_STATUS_VI, date_vn, label, number_vn, period_vn

CHANGE_VI = {"added": "thêm", "removed": "bớt", "changed": "đổi mức"}
CHANGE_HEADINGS = ("Thêm", "Bớt", "Đổi mức")
_COLUMNS = (
    "Thay đổi",
    "Quy tắc",
    "Đơn vị",
    "Tên",
    "Kỳ",
    "Trước",
    "Sau",
    "Tỉnh",
    "Công đoàn cấp trên trực tiếp",
    "Khu vực",
)
_GROUP_COLUMNS = ("Quy tắc", "Tỉnh", "Công đoàn cấp trên trực tiếp", "Khu vực", *CHANGE_HEADINGS)


def _status(status: str | None) -> str:
    return label(FINDING_STATUS_VI, status) if status else "—"


def _title(result: Preview) -> str:
    where = f", tỉnh {province_name(result.province)}" if result.province else ""
    return f"Xem trước thay đổi, ngày xét {date_vn(result.as_of)}{where}"


def superior_text(group: Group) -> str:
    place = group.place
    return place.superior_name or place.superior or "chưa có công đoàn cấp trên"


def write_table(result: Preview, found: list[Group], out: IO[str] | None) -> None:
    """The headlines, a table of the groups, then each group's units, one a line."""
    console = Console(file=out, emoji=False, width=160 if out else None)
    say = console.print
    say(_title(result), markup=False)
    for line in headlines(result):
        say(f"• {line}", markup=False, highlight=False)
    before, after = number_vn(result.findings_before), number_vn(result.findings_after)
    say(f"Phát hiện của các quy tắc liên quan: {before} → {after}", markup=False)
    if not found:
        return
    table = RichTable(title="Theo quy tắc, tỉnh, công đoàn cấp trên trực tiếp và khu vực")
    for heading in _GROUP_COLUMNS:
        table.add_column(heading, justify="right" if heading in CHANGE_HEADINGS else "left")
    for group in found:
        table.add_row(*(escape(str(cell)) for cell in _group_cells(group)))
    say(table)
    for group in found:
        cells = _group_cells(group)
        say(f"\n{' · '.join(map(str, cells[:4]))}", markup=False, highlight=False)
        for d in group.deltas:
            f = d.finding
            period = f" {period_vn(f.period)}" if f.period else ""
            change = f"{CHANGE_VI[d.change]}: {_status(d.before)} → {_status(d.after)}"
            say(f"  {f.unit} {f.unit_name or ''}{period} ({change})", markup=False, highlight=False)


def _group_cells(group: Group) -> list[Any]:
    place = group.place
    return [
        group.rule,
        province_name(place.province),
        superior_text(group),
        sector_name(place.sector),
        number_vn(group.count("added")),
        number_vn(group.count("removed")),
        number_vn(group.count("changed")),
    ]


def _row(delta: Delta, group: Group) -> dict[str, Any]:
    finding, place = delta.finding, group.place
    return {
        "change": delta.change,
        "rule": finding.rule,
        "unit": finding.unit,
        "unit_name": finding.unit_name,
        "period": finding.period,
        "before": delta.before,
        "after": delta.after,
        "province_code": place.province,
        "superior_code": place.superior,
        "superior_name": place.superior_name,
        "sector": place.sector,
    }


def write_jsonl(found: list[Group], out: IO[str]) -> None:
    """One changed finding a line, with where it falls (stable English keys)."""
    for group in found:
        for delta in group.deltas:
            out.write(json.dumps(_row(delta, group), ensure_ascii=False) + "\n")


def write_xlsx(result: Preview, found: list[Group], path: Path) -> None:
    book = Workbook()
    summary = book.active
    summary.title = "Tóm tắt"
    summary.append([_title(result)])
    for line in headlines(result):
        summary.append([line])
    summary.append([])
    summary.append(list(_GROUP_COLUMNS))
    for group in found:
        cells = _group_cells(group)
        summary.append([*cells[:4], *(group.count(c) for c in ("added", "removed", "changed"))])
    units = book.create_sheet("Thay đổi")
    units.append(list(_COLUMNS))
    for group in found:
        for delta in group.deltas:
            row = _row(delta, group)
            units.append(
                [
                    CHANGE_VI[delta.change],
                    row["rule"],
                    row["unit"],
                    row["unit_name"] or "",
                    period_vn(row["period"]),
                    _status(delta.before),
                    _status(delta.after),
                    province_name(row["province_code"]),
                    superior_text(group),
                    sector_name(row["sector"]),
                ]
            )
    book.save(path)
