"""``compliance programmes report``: a programme's sơ kết / tổng kết report as HTML, PDF or XLSX.

Its own module (the ``programmes`` group lives in cli_programmes.py): registered there by
cli.py. Mistakes get the report's Vietnamese messages and exit code 1, and no file is left.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from compliance import db
from compliance.cli_reports import AsOf, parse_day
from compliance.console import console, fail
from compliance.exceptions import ComplianceError
from compliance.reports.files import FORMATS, ReportError, write_atomically


def programme_report_command(
    programme: Annotated[str, typer.Argument(help="Programme id, e.g. tay_ninh.ctr_02.")],
    as_of: AsOf,
    out: Annotated[Path, typer.Option(help="File to write (replaced atomically).")],
    fmt: Annotated[str, typer.Option("--format", help="html, pdf or xlsx.")] = "html",
    final: Annotated[bool, typer.Option(help="Tổng kết (final) rather than sơ kết.")] = False,
    number: Annotated[str | None, typer.Option(help="Document number (Số: …/BC).")] = None,
) -> None:
    """Write the programme's review report: per section, items done on time, late, outstanding."""
    from compliance.engine.programme_rules import catalogue
    from compliance.formatting import did_you_mean
    from compliance.reports import programme_report as report
    from compliance.review.programmes import ProgrammeNotFound, by_programme

    try:
        day = parse_day(as_of)
        fmt = fmt.strip().lower()
        if fmt not in FORMATS:
            raise ReportError("report.unknown_format", fmt=fmt)
        programmes = by_programme(catalogue())
        if programme not in programmes:
            raise ProgrammeNotFound(programme, did_you_mean(programme, programmes))
        engine = db.make_engine()
        try:
            db.require_schema(engine)
            with engine.connect() as conn:
                data = report.build(
                    conn, programmes[programme], day, "tong_ket" if final else "so_ket", number
                )
        finally:
            engine.dispose()
        path = write_atomically(out, report.render(data, fmt))
    except ComplianceError as exc:
        raise fail(exc) from None
    console.print(
        f"Đã ghi báo cáo {fmt.upper()} của {escape(programme)} vào [bold]{escape(str(path))}"
        f"[/bold] ({path.stat().st_size:,} byte).",
        highlight=False,
    )
