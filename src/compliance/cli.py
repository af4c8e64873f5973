"""The ``compliance`` command. Domain errors are caught here, at the edge, and nowhere else."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from compliance import db
from compliance.console import console, err_console, progress_bars
from compliance.exceptions import ComplianceError, ImportRefused
from compliance.registry.issues import ImportReport

app = typer.Typer(
    help="Compliance engine for Vietnam's trade unions (công cụ giám sát tuân thủ công đoàn).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Registry database: schema migrations.", no_args_is_help=True)
registry_app = typer.Typer(help="Registry contents and the exchange format.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(registry_app, name="registry")


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def _fail(exc: ComplianceError) -> typer.Exit:
    err_console.print(f"[red]{escape(str(exc))}[/red]", highlight=False)
    return typer.Exit(code=1)


@app.command("import")
def import_(
    folder: Annotated[Path, typer.Argument(help="Folder of CSV/XLSX tables in the contract format.")],
    skip_bad_rows: Annotated[
        bool,
        typer.Option(help="Write the good rows and keep the bad ones in a rejects file."),
    ] = False,
    rejects: Annotated[
        Path | None, typer.Option(help="Where to write skipped rows (CSV).")
    ] = None,
    effective_date: Annotated[
        dt.datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Day a changed superior takes effect when the delivery does not say "
            "(default: today in Vietnam).",
        ),
    ] = None,
    output: Annotated[OutputFormat, typer.Option("--format", help="Report format.")] = (
        OutputFormat.text
    ),
    max_errors: Annotated[int, typer.Option(help="Problems to print (all are in --format json).")] = 200,
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
) -> None:
    """Load a delivery folder into the registry (all or nothing, unless --skip-bad-rows)."""
    from compliance.registry.importer import import_folder

    engine = db.make_engine()
    try:
        with progress_bars(progress and output is OutputFormat.text) as sink:
            report = import_folder(
                engine,
                folder,
                skip_bad_rows=skip_bad_rows,
                rejects_path=rejects,
                effective_date=effective_date.date() if effective_date else None,
                progress=sink,
            )
    except ImportRefused as exc:
        _print_report(exc.report, output, max_errors, refused=True)
        raise _fail(exc) from None
    except ComplianceError as exc:
        raise _fail(exc) from None
    _print_report(report, output, max_errors, refused=False)


def _print_report(report: ImportReport, output: OutputFormat, max_errors: int, refused: bool) -> None:
    if output is OutputFormat.json:
        console.print_json(json.dumps({"refused": refused, **report.as_dict()}, ensure_ascii=False))
        return
    for issue in report.issues[:max_errors]:
        style = "red" if issue.severity == "error" else "yellow"
        err_console.print(f"[{style}]{escape(str(issue))}[/{style}]", highlight=False, soft_wrap=True)
    if len(report.issues) > max_errors:
        err_console.print(f"… và {len(report.issues) - max_errors} vấn đề khác (xem --format json).")
    if refused:
        return
    table = RichTable(title=f"Đã nạp {report.source} trong {report.seconds:.1f} giây")
    for heading in ("Bảng", "Đọc", "Thêm mới", "Cập nhật", "Bị loại"):
        table.add_column(heading, justify="left" if heading == "Bảng" else "right")
    for name, count in report.tables.items():
        table.add_row(name, *(f"{n:,}" for n in (count.read, count.inserted, count.updated, count.rejected)))
    console.print(table)
    if report.rejects_file:
        console.print(f"Các dòng bị loại được lưu ở [bold]{report.rejects_file}[/bold].")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the registry schema to the newest version."""
    engine = db.make_engine()
    try:
        db.upgrade(engine)
    except ComplianceError as exc:
        raise _fail(exc) from None
    console.print(f"Cơ sở dữ liệu đã ở phiên bản mới nhất: {engine.url.render_as_string()}")


@registry_app.command("summary")
def registry_summary(
    output: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.text,
) -> None:
    """Row counts of every registry table."""
    from compliance.registry.summary import table_counts

    engine = db.make_engine()
    try:
        db.upgrade(engine)
    except ComplianceError as exc:
        raise _fail(exc) from None
    counts = table_counts(engine)
    if output is OutputFormat.json:
        console.print_json(json.dumps(counts))
        return
    table = RichTable(title="Sổ đăng ký")
    table.add_column("Bảng")
    table.add_column("Số dòng", justify="right")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    console.print(table)


@registry_app.command("aliases")
def registry_aliases() -> None:
    """Print the header alias table (Markdown) that docs/registry-aliases.md holds."""
    from compliance.registry.docs import aliases_markdown

    typer.echo(aliases_markdown(), nl=False)


def main() -> None:  # pragma: no cover - console entry point
    app()
