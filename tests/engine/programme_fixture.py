"""A rules folder with one programme of every kind of item, and progress reports to import.

Four lead bodies per item, one per case the contract names: ``Ban A`` reports ``done`` on time,
``Ban B`` ``done`` late, ``Ban C`` ``in_progress``, ``Ban D`` nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tests.registry.helpers import write_csv

PROGRAMME = "tinh.ctr_01"
ISSUED = dt.date(2022, 1, 10)
LEADS = ["Ban A", "Ban B", "Ban C", "Ban D"]
ISSUER = "Ban Thường vụ Tỉnh ủy Thử"
DOCUMENT = "900_programme.txt"

# item id → (time phrase, due date per period reported on: period → (on time, late))
ITEMS: dict[str, str] = {
    "1": "Quý III/2023",  # one-off, due 30/09/2023
    "2": "hàng năm",  # yearly
    "3": "định kỳ hàng quý",  # quarterly
    "4": "sơ kết năm 2022, tổng kết năm 2025",  # milestones 31/12/2022, 31/12/2025
    "5": "Thường xuyên",  # continuous
}
# item → (period as the report writes it, on-time date, late date, in-progress date)
REPORTS: dict[str, tuple[str, dt.date, dt.date, dt.date]] = {
    "1": ("", dt.date(2023, 9, 20), dt.date(2023, 11, 15), dt.date(2023, 9, 25)),
    "2": ("2023", dt.date(2023, 12, 15), dt.date(2024, 2, 10), dt.date(2024, 1, 5)),
    "3": ("Quý III/2024", dt.date(2024, 9, 28), dt.date(2024, 10, 20), dt.date(2024, 10, 2)),
    "4": ("31/12/2022", dt.date(2022, 12, 20), dt.date(2023, 1, 20), dt.date(2022, 12, 28)),
    "5": ("", dt.date(2022, 3, 1), dt.date(2022, 4, 1), dt.date(2022, 3, 5)),
}

BODIES = """\
classes: []
bodies:
  - code: ban_a
    name: Ban A
    aliases: ["Ban A Tỉnh ủy"]
    level: province
    province_code: "80"
  - code: ban_b
    name: Ban B
    level: province
    province_code: "80"
  - code: ban_c
    name: Ban C
    level: province
    province_code: "66"
  - code: ban_d
    name: Ban D
    level: province
  - code: btv
    name: Ban Thường vụ Tỉnh ủy Thử
    level: province
    province_code: "80"
"""


def _programme_yaml() -> str:
    lines = [
        "programme:",
        f"  id: {PROGRAMME}",
        '  title: "Chương trình hành động thử"',
        f"  document: {DOCUMENT}",
        f"  issued_on: {ISSUED.isoformat()}",
        "items:",
    ]
    for item, time in ITEMS.items():
        lines += [
            f'  - id: "{item}"',
            f'    text: "Nhiệm vụ số {item} của chương trình"',
            '    section: "II.2"',
            f"    lead: [{', '.join(LEADS)}]",
            f'    time: "{time}"',
            f'    quote: "Câu trích nhiệm vụ {item}."',
        ]
    return "\n".join(lines) + "\n"


def write_rules(root: Path) -> Path:
    """A rules folder holding only the test programme, its bodies and its document."""
    (root / "programmes").mkdir(parents=True)
    (root / "sources").mkdir()
    (root / "sources" / DOCUMENT).write_text("Chương trình hành động thử.\n", encoding="utf-8")
    (root / "sources" / "documents.yaml").write_text(
        f"documents:\n  {DOCUMENT}:\n    kind: Chương trình hành động\n    number: 01-CTr/TU\n"
        f"    issued_on: {ISSUED.isoformat()}\n    issuer: {ISSUER}\n",
        encoding="utf-8",
    )
    (root / "programmes" / "bodies.yaml").write_text(BODIES, encoding="utf-8")
    (root / "programmes" / "thu.yaml").write_text(_programme_yaml(), encoding="utf-8")
    return root


def report_rows(items: tuple[str, ...] = tuple(ITEMS)) -> list[list[Any]]:
    """Ban A done on time, Ban B done late, Ban C in progress, Ban D nothing: in Vietnamese."""
    rows: list[list[Any]] = []
    for item in items:
        period, on_time, late, going = REPORTS[item]
        rows += [
            [PROGRAMME, item, period, "Ban A Tỉnh ủy", on_time.strftime("%d/%m/%Y"),
             "Đã hoàn thành", "https://vb.example/a", ""],
            [PROGRAMME, item, period, "Ban B", late.isoformat(), "done", "", "Chậm"],
            [PROGRAMME, item, period, "Ban C", going.isoformat(), "đang thực hiện", "", ""],
        ]  # fmt: skip
    return rows


def write_reports(folder: Path, rows: list[list[Any]]) -> Path:
    header = ["programme", "item", "period", "body", "reported_on", "status", "evidence", "note"]
    write_csv(folder, "programme_reports", header, rows)
    return folder
