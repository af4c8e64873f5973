"""The ``compliance`` command. Domain errors are caught here, at the edge, and nowhere else."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from compliance import db
from compliance.cli_audit import audit_app
from compliance.cli_programme_report import programme_report_command
from compliance.cli_programmes import programmes_app
from compliance.cli_reports import report_command, scorecard_command
from compliance.cli_rules import evaluate_command, rules_app
from compliance.cli_tasks import escalate_command, notify_app, run_command, tasks_app
from compliance.cli_web import serve_command, users_app
from compliance.console import console, err_console, fail, progress_bars
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
app.add_typer(rules_app, name="rules")
app.add_typer(tasks_app, name="tasks")
app.add_typer(notify_app, name="notify")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(programmes_app, name="programmes")
programmes_app.command("report")(programme_report_command)
app.command("evaluate")(evaluate_command)
app.command("run")(run_command)
app.command("escalate")(escalate_command)
app.command("report")(report_command)
app.command("scorecard")(scorecard_command)
app.command("serve")(serve_command)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


@app.command("import")
def import_(
    folder: Annotated[
        Path, typer.Argument(help="Folder of CSV/XLSX tables in the contract format.")
    ],
    skip_bad_rows: Annotated[
        bool,
        typer.Option(help="Write the good rows and keep the bad ones in a rejects file."),
    ] = False,
    rejects: Annotated[Path | None, typer.Option(help="Where to write skipped rows (CSV).")] = None,
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
    max_errors: Annotated[
        int, typer.Option(help="Problems to print (all are in --format json).")
    ] = 200,
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
    strict: Annotated[
        bool,
        typer.Option(
            help="Refuse implausible rows (a part above its whole, dates out of order) like "
            "errors instead of loading them with a warning."
        ),
    ] = False,
    correction: Annotated[
        bool,
        typer.Option(
            "--correction",
            help="The delivery corrects stored events: it may move an inspection, review, "
            "complaint… (same id) to another unit. Without it such a move is refused.",
        ),
    ] = False,
) -> None:
    """Load a delivery folder into the registry (all or nothing, unless --skip-bad-rows).

    Implausible but well-formed rows are loaded and reported as warnings; they become
    data-quality findings at the next run (rules/data_quality/).
    """
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
                strict=strict,
                correction=correction,
            )
    except ImportRefused as exc:
        _print_report(exc.report, output, max_errors, refused=True)
        raise fail(exc) from None
    except ComplianceError as exc:
        raise fail(exc) from None
    _print_report(report, output, max_errors, refused=False)


def _print_report(
    report: ImportReport, output: OutputFormat, max_errors: int, refused: bool
) -> None:
    if output is OutputFormat.json:
        console.print_json(json.dumps({"refused": refused, **report.as_dict()}, ensure_ascii=False))
        return
    for issue in report.issues[:max_errors]:
        style = "red" if issue.severity == "error" else "yellow"
        err_console.print(
            f"[{style}]{escape(str(issue))}[/{style}]", highlight=False, soft_wrap=True
        )
    if len(report.issues) > max_errors:
        err_console.print(
            f"… và {len(report.issues) - max_errors} vấn đề khác (xem --format json)."
        )
    if counts := report.warning_counts():
        summary = ", ".join(f"{code}: {n:,}" for code, n in counts.items())
        err_console.print(
            f"[yellow]Cảnh báo (dòng vẫn được nạp, cần sửa ở nơi quản lý hồ sơ): "
            f"{escape(summary)}[/yellow]",
            highlight=False,
            soft_wrap=True,
        )
    if refused:
        return
    table = RichTable(title=f"Đã nạp {report.source} trong {report.seconds:.1f} giây")
    for heading in ("Bảng", "Đọc", "Thêm mới", "Cập nhật", "Bị loại"):
        table.add_column(heading, justify="left" if heading == "Bảng" else "right")
    for name, count in report.tables.items():
        table.add_row(
            name, *(f"{n:,}" for n in (count.read, count.inserted, count.updated, count.rejected))
        )
    console.print(table)
    if report.rejects_file:
        console.print(f"Các dòng bị loại được lưu ở [bold]{report.rejects_file}[/bold].")


class FileFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


class HeaderLanguage(StrEnum):
    en = "en"
    vi = "vi"


class DateStyle(StrEnum):
    iso = "iso"
    vn = "vn"


@app.command()
def generate(
    out: Annotated[Path, typer.Argument(help="Folder to write the tables into (created).")],
    province: Annotated[
        list[str] | None,
        typer.Option(
            help="Province code (2 digits, 2025 list); repeat; default: the whole country."
        ),
    ] = None,
    enterprises: Annotated[int, typer.Option(min=1, help="Enterprises in all.")] = 50_000,
    seed: Annotated[int, typer.Option(help="Same seed, same files.")] = 1,
    until: Annotated[
        dt.datetime,
        typer.Option(formats=["%Y-%m-%d"], help="History ends the day before this date."),
    ] = dt.datetime(2026, 10, 1),
    years: Annotated[int, typer.Option(min=1, max=20, help="Years of event history.")] = 3,
    file_format: Annotated[FileFormat, typer.Option("--format")] = FileFormat.csv,
    headers: Annotated[HeaderLanguage, typer.Option(help="Header language.")] = HeaderLanguage.en,
    dates: Annotated[DateStyle, typer.Option(help="iso: 2024-01-31; vn: 31/01/2024.")] = (
        DateStyle.iso
    ),
    implausible: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Share of enterprises, unions, agreements and complaints delivered implausible "
            "(more women than the total, swapped dates), as real deliveries are; 0 for none.",
        ),
    ] = 0.003,
) -> None:
    """Write a realistic, reproducible registry in the exchange format (demo and test data)."""
    from compliance.generate import GenerateOptions

    options = GenerateOptions(
        provinces=tuple(province or ()),
        enterprises=enterprises,
        seed=seed,
        until=until.date(),
        years=years,
        fmt=file_format.value,
        headers=headers.value,
        dates=dates.value,
        implausible=implausible,
    )
    result = _generate(out, options)
    table = RichTable(title=f"Đã tạo sổ đăng ký mẫu ở {result.folder}")
    table.add_column("Bảng")
    table.add_column("Số dòng", justify="right")
    for name, n in result.rows.items():
        table.add_row(name, f"{n:,}")
    console.print(table)


def _generate(out: Path, options: object) -> Any:
    from compliance.generate import generate_registry

    with progress_bars() as sink:
        stages: dict[str, Any] = {}
        done: dict[str, int] = {}

        def report(table: str, rows: int) -> None:
            if table not in stages:
                stages[table] = sink.stage(f"Tạo {table}", None)
                done[table] = 0
            stages[table](rows - done[table])
            done[table] = rows

        return generate_registry(out, options, report)  # type: ignore[arg-type]


@app.command()
def demo(
    folder: Annotated[Path, typer.Option(help="Where the demo registry is written.")] = Path(
        "demo/registry"
    ),
    province: Annotated[str, typer.Option(help="Province code (80 = Tây Ninh).")] = "80",
    enterprises: Annotated[int, typer.Option(min=100)] = 20_000,
    as_of: Annotated[
        dt.datetime, typer.Option(formats=["%Y-%m-%d"], help="The day judged.")
    ] = dt.datetime(2026, 10, 1),
) -> None:
    """The main job on the embedded default: generate a demo province, import it, and run the
    scheduled compliance run (a Prefect flow run) on it."""
    from compliance.generate import GenerateOptions
    from compliance.registry.importer import import_folder
    from compliance.registry.summary import table_counts

    console.rule("1. Tạo sổ đăng ký mẫu")
    day = as_of.date()
    _generate(folder, GenerateOptions(provinces=(province,), enterprises=enterprises, until=day))
    console.rule("2. Nạp vào cơ sở dữ liệu")
    engine = db.make_engine()
    try:
        with progress_bars() as sink:
            report = import_folder(engine, folder, progress=sink, effective_date=day)
    except ImportRefused as exc:
        _print_report(exc.report, OutputFormat.text, 50, refused=True)
        raise fail(exc) from None
    except ComplianceError as exc:
        raise fail(exc) from None
    _print_report(report, OutputFormat.text, 20, refused=False)
    console.rule("3. Chạy rà soát theo lịch (Prefect flow 'compliance-run')")
    from compliance.cli_tasks import _print_run
    from compliance.orchestration import load_flows

    flows = load_flows()
    result = flows.compliance_run.compliance_run(flows.compliance_run.RunParameters(as_of=day))
    _print_run(result)
    _demo_summary(engine)
    counts = table_counts(engine)
    console.print(
        f"{report.rows_read:,} dòng nạp trong {report.seconds:.1f} giây "
        f"({report.rows_read / max(report.seconds, 1e-9):,.0f} dòng/giây); "
        f"{counts['enterprises']:,} doanh nghiệp, {counts['unions']:,} công đoàn trong "
        f"{engine.url.render_as_string()}.",
        highlight=False,
    )
    console.print(
        "Tiếp theo:\n"
        "  [bold].venv/bin/compliance tasks list --status open[/bold]      việc cần xử lý\n"
        "  [bold].venv/bin/compliance tasks show SỐ[/bold]                 một việc và lịch sử\n"
        f"  [bold].venv/bin/compliance evaluate --as-of {day.isoformat()} --explain "
        "--rule union.establishment[/bold]   phát hiện kèm căn cứ\n"
        "  [bold].venv/bin/prefect server start[/bold]                    xem các lần chạy trên "
        "giao diện Prefect (README: Lịch chạy)\n"
        "  [bold]echo MẬT-KHẨU | .venv/bin/compliance users add admin --role admin "
        "--password-stdin[/bold]\n"
        "  [bold].venv/bin/compliance serve[/bold]                        giao diện rà soát "
        "http://127.0.0.1:8000/"
    )
    reports = result.get("reports") or []
    if reports:
        console.print(
            "Báo cáo của lần chạy: " + ", ".join(reports) + " (bản PDF được dựng khi mở lần "
            "đầu ở trang Báo cáo của giao diện rà soát, hoặc lập ngay: compliance report "
            "--format pdf)",
            highlight=False,
        )


def _demo_summary(engine: Any) -> None:
    from sqlalchemy import func, select

    from compliance.models.followup import ACTIVE_STATUSES, FollowUpTask
    from compliance.rules.validate import load_rules

    t = FollowUpTask.__table__  # type: ignore[attr-defined]
    titles = {r.id: r.rule.title for r in load_rules()}
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.c.rule, t.c.finding_status, func.count())
            .where(t.c.status.in_([str(s) for s in ACTIVE_STATUSES]))
            .group_by(t.c.rule, t.c.finding_status)
            .order_by(t.c.rule)
        ).all()
        examples = conn.execute(
            select(t.c.title, t.c.reason).where(t.c.status == "open").order_by(t.c.id).limit(3)
        ).all()
    table = RichTable(title="Việc đang mở theo quy tắc")
    for heading in ("Quy tắc", "Tên", "Loại", "Số việc"):
        table.add_column(heading, justify="right" if heading == "Số việc" else "left")
    for rule_id, status, n in rows:
        label = "vi phạm" if status == "violation" else "có nguy cơ"
        table.add_row(rule_id, titles.get(rule_id, ""), label, f"{n:,}")
    console.print(table)
    for title, _reason in examples:
        console.print(f"• {escape(title)}", highlight=False)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the registry schema to the newest version."""
    engine = db.make_engine()
    try:
        db.upgrade(engine)
    except ComplianceError as exc:
        raise fail(exc) from None
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
        raise fail(exc) from None
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
