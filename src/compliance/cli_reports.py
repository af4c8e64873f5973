"""``compliance report`` and ``compliance scorecard``: official reports and the target scorecard.

Dates and formats are taken as text and checked here, so a mistake gets a Vietnamese message
(Click's own would be English) and exit code 1, and no output file is left behind.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from compliance import db
from compliance.console import console, fail
from compliance.exceptions import ComplianceError
from compliance.reports.files import FORMATS, ReportError, prepare, write_report


def parse_day(text: str) -> dt.date:
    """``YYYY-MM-DD`` or Vietnamese ``DD/MM/YYYY``; :class:`ReportError` otherwise."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ReportError(
        "report.bad_date",
        value=text,
    )


AsOf = Annotated[str, typer.Option("--as-of", help="The day judged: YYYY-MM-DD.")]
Province = Annotated[
    str | None, typer.Option(help="Province code (2 digits, 2025 list); default: all with targets.")
]


def report_command(
    as_of: AsOf,
    out: Annotated[Path, typer.Option(help="File to write (replaced atomically).")],
    fmt: Annotated[str, typer.Option("--format", help="html, pdf or xlsx.")] = "html",
    province: Province = None,
    number: Annotated[
        str | None, typer.Option(help="Document number, e.g. 125 (Số: 125/BC-LĐLĐ).")
    ] = None,
) -> None:
    """Write the compliance report: scorecard, findings by rule and province, overdue tasks."""
    started = time.perf_counter()
    try:
        day = parse_day(as_of)
        fmt = fmt.strip().lower()
        if fmt not in FORMATS:
            raise ReportError("report.unknown_format", fmt=fmt)
        path = write_report(db.make_engine(), day, fmt, out, province, number)  # type: ignore[arg-type]
    except ComplianceError as exc:
        raise fail(exc) from None
    console.print(
        f"Đã ghi báo cáo {fmt.upper()} ngày {day:%d/%m/%Y} vào [bold]{escape(str(path))}[/bold] "
        f"({path.stat().st_size:,} byte, {time.perf_counter() - started:.1f} giây).",
        highlight=False,
    )


def scorecard_command(
    as_of: AsOf,
    province: Province = None,
    output: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Print the target scorecard: target, actual, gap, projection, per province."""
    try:
        day = parse_day(as_of)
        report = prepare(db.make_engine(), day, province)
    except ComplianceError as exc:
        raise fail(exc) from None
    from compliance.reports.artifacts import scorecard_table
    from compliance.reports.render import threshold_text, value_text

    if output == "json":
        console.print_json(json.dumps(scorecard_table(report.scorecards), ensure_ascii=False))
        return
    for card in report.scorecards:
        table = RichTable(title=f"Chỉ tiêu — {card.province_name}, ngày {day:%d/%m/%Y}")
        for heading in ("Chỉ tiêu", "Năm", "Mức", "Thực hiện", "Đánh giá", "Còn thiếu / cần làm"):
            table.add_column(heading)
        for row in card.rows:
            actual = value_text(row.figure.value, row.target.unit) if row.figure else "—"
            todo = row.reason if row.status == "no_data" else row.gap_text
            table.add_row(row.target.title, str(row.year or "—"), threshold_text(row.target),
                          actual, row.status_vi, todo or "")  # fmt: skip
        console.print(table)
        if card.excluded:
            console.print(f"{card.excluded:,} đơn vị miễn trừ đã được loại khỏi các chỉ tiêu.")
