"""The programme_reports table (registry-format.md, "Programme items"): imported like every
table, with Vietnamese headers and values, and an empty period as a real part of the key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from compliance.exceptions import ImportRefused
from compliance.models import ProgrammeReport
from compliance.registry.importer import import_folder
from tests.registry.helpers import write_csv

VI_HEADER = [
    "Mã chương trình",
    "Mã nhiệm vụ",
    "Kỳ thực hiện",
    "Cơ quan chủ trì",
    "Ngày báo cáo",
    "Tình hình thực hiện",
    "Minh chứng",
    "Ghi chú",
]
HEADER = ["programme", "item", "period", "body", "reported_on", "status", "evidence", "note"]
BODY = "Ban Tuyên giáo và Dân vận Tỉnh ủy"


def _stored(engine) -> list[tuple]:
    table = ProgrammeReport.__table__  # typed reads: SQLite hands raw SQL dates back as text
    with engine.connect() as conn:
        rows = conn.execute(select(table).order_by(table.c.item, table.c.period)).all()
    return [tuple(r) for r in rows]


def test_vietnamese_delivery_loads_with_an_empty_period_in_the_key(engine, tmp_path: Path):
    rows = [
        ["p1", "2.1.3", "", BODY, "15/09/2023", "Đã hoàn thành", "https://x/1", ""],
        ["p1", "2.2.1", "Quý III/2024", BODY, "01/10/2024", "đang thực hiện", "", "Chậm"],
        ["p1", "2.2.1", "2024", BODY, "02/10/2024", "chưa thực hiện", "", ""],
        ["p1", "3", "30/11/2022", "Liên đoàn Lao động tỉnh", "2022-11-28", "done", "", ""],
    ]
    write_csv(tmp_path / "d", "Tiến độ chương trình hành động", VI_HEADER, rows)
    report = import_folder(engine, tmp_path / "d", effective_date=dt.date(2026, 1, 1))
    assert report.tables["programme_reports"].inserted == 4
    assert _stored(engine) == [
        ("p1", "2.1.3", "", BODY, dt.date(2023, 9, 15), "done", "https://x/1", None),
        ("p1", "2.2.1", "2024", BODY, dt.date(2024, 10, 2), "not_done", None, None),
        ("p1", "2.2.1", "2024-Q3", BODY, dt.date(2024, 10, 1), "in_progress", None, "Chậm"),
        ("p1", "3", "2022-11-30", "Liên đoàn Lao động tỉnh", dt.date(2022, 11, 28), "done")
        + (None, None),
    ]

    # A later delivery replaces the row with the empty period instead of adding a second one.
    write_csv(
        tmp_path / "e",
        "programme_reports",
        HEADER,
        [["p1", "2.1.3", "", BODY, "2023-09-20", "in_progress", "", "Làm lại"]],
    )
    again = import_folder(engine, tmp_path / "e", effective_date=dt.date(2026, 1, 1))
    count = again.tables["programme_reports"]
    assert (count.inserted, count.updated) == (0, 1)
    first = _stored(engine)[0]
    assert first[:3] == ("p1", "2.1.3", "") and first[5:] == ("in_progress", None, "Làm lại")
    assert len(_stored(engine)) == 4


def test_two_rows_for_one_item_without_a_period_are_a_duplicate_key(sqlite_engine, tmp_path):
    rows = [
        ["p1", "1", "", BODY, "2023-09-15", "done", "", ""],
        ["p1", "1", None, BODY, "2023-09-16", "in_progress", "", ""],
    ]
    write_csv(tmp_path / "d", "programme_reports", HEADER, rows)
    with pytest.raises(ImportRefused) as info:
        import_folder(sqlite_engine, tmp_path / "d")
    codes = [(i.code, i.row) for i in info.value.report.errors]
    assert ("row.duplicate_key", 3) in codes


def test_a_workbook_with_typed_period_cells(sqlite_engine, tmp_path):
    """Excel types a year as a number and a milestone as a date; both are read as periods."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo tiến độ"
    sheet.append(VI_HEADER)
    sheet.append(["p1", "4", 2024, BODY, dt.date(2025, 1, 5), "Hoàn thành", None, None])
    sheet.append(["p1", "5", dt.datetime(2025, 12, 31), BODY, dt.date(2025, 12, 1), "done"])
    (tmp_path / "d").mkdir()
    book.save(tmp_path / "d" / "tien_do.xlsx")
    import_folder(sqlite_engine, tmp_path / "d")
    assert [(r[1], r[2], r[5]) for r in _stored(sqlite_engine)] == [
        ("4", "2024", "done"),
        ("5", "2025-12-31", "done"),
    ]
