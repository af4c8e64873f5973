"""``compliance run``, ``escalate``, ``tasks …`` and ``notify …``: the workflow half."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table as RichTable
from sqlalchemy import delete, func, select

from compliance import db
from compliance.console import console, err_console, fail
from compliance.exceptions import ComplianceError
from compliance.followup.targets import mask_url
from compliance.formatting import ACTIVE_TASKS_VI, TASK_STATUS_VI
from compliance.messages import message
from compliance.models.followup import (
    ACTIVE_STATUSES,
    FollowUpTask,
    NotificationTarget,
    TaskStatus,
)
from compliance.orchestration import load_flows

tasks_app = typer.Typer(help="Follow-up tasks: list, show, update.", no_args_is_help=True)
notify_app = typer.Typer(
    help="Where each body's digest is sent (Apprise URLs).", no_args_is_help=True
)
CLOSED = (TaskStatus.RESOLVED, TaskStatus.WAIVED, TaskStatus.DISMISSED)
# The option that supplies what a refused task change lacked (compliance.followup.errors).
_TASK_OPTIONS = {
    "task.reason_required": "--reason",
    "task.waiver_needs_approver": "--approver",
    "task.waiver_needs_expiry": "--until",
    "task.waiver_expiry_in_past": "--until",
    "task.unknown_status": "--status",
    "task.no_change": "--status, --assignee hoặc --due",
}


AsOf = Annotated[
    dt.datetime | None,
    typer.Option(formats=["%Y-%m-%d"], help="The day judged (default: today in Vietnam)."),
]


def run_command(
    as_of: AsOf = None,
    rule: Annotated[list[str] | None, typer.Option(help="Rule id; repeat.")] = None,
    unit: Annotated[list[str] | None, typer.Option(help="Unit code; repeat.")] = None,
    province: Annotated[str | None, typer.Option(help="Province code.")] = None,
    dry_run: Annotated[bool, typer.Option(help="Print the digests; write nothing.")] = False,
    historical: Annotated[
        bool,
        typer.Option(
            help="A day before the latest whole run's, on purpose: record findings, change no "
            "task, never replace the view reviewers read."
        ),
    ] = False,
) -> None:
    """The compliance run as a Prefect flow run: record findings, open and close tasks, notify.

    A province, unit or rule that does not exist, or a day before the latest whole run's
    (unless --historical), is refused before anything starts.
    """
    flows = load_flows()
    parameters = flows.compliance_run.RunParameters(
        as_of=as_of.date() if as_of else None,
        rules=rule or [],
        units=unit or [],
        province=province,
        dry_run=dry_run,
        historical=historical,
    )
    try:
        _check(parameters)  # before Prefect starts: a typo gets one line, not a failed flow run
        result = flows.compliance_run.compliance_run(parameters)
    except ComplianceError as exc:
        raise fail(exc) from None
    _print_run(result)


def _check(parameters: Any) -> None:
    from compliance.engine.programme_rules import catalogue
    from compliance.followup.guard import check_request

    engine = db.make_engine()
    try:
        db.require_schema(engine)
        with engine.connect() as conn:
            check_request(
                conn,
                (r.id for r in catalogue()),  # programme items too: PROGRAMME_ID/ITEM_ID
                as_of=parameters.day(),
                rules=parameters.rules,
                units=parameters.units,
                province=parameters.province,
                historical=parameters.historical,
            )
    finally:
        engine.dispose()


def _print_run(result: dict[str, Any]) -> None:
    dry = isinstance(result.get("digests"), list)
    title = "Chạy thử (không ghi gì)" if dry else f"Lần chạy #{result['run_id']}"
    table = RichTable(title=f"{title} — ngày xét {result['as_of']}")
    table.add_column("")
    table.add_column("Số lượng", justify="right")
    labels = {
        "violations": "Vi phạm", "at_risk": "Có nguy cơ", "opened": "Việc mới",
        "reopened": "Việc mở lại", "resolved": "Việc đã khắc phục", "updated": "Việc cập nhật",
        "open_tasks": "Việc đang mở",
    }  # fmt: off
    for key, label in labels.items():
        table.add_row(label, f"{result.get(key, 0):,}")
    console.print(table)
    if dry:
        for text in result["digests"]:
            console.rule()
            console.print(text, markup=False, highlight=False)
    _print_warnings(result)


def _print_warnings(result: dict[str, Any]) -> None:
    """Notifications that failed after the run committed: a warning, and the exit stays 0."""
    for warning in result.get("notification_failures", []):
        err_console.print(
            f"Cảnh báo: {warning}", style="yellow", markup=False, highlight=False, soft_wrap=True
        )


def escalate_command(
    as_of: AsOf = None,
    extension_days: Annotated[int, typer.Option(help="Days until the new due date.")] = 15,
    dry_run: Annotated[bool, typer.Option(help="Print; write nothing.")] = False,
) -> None:
    """The escalation check as a Prefect flow run: overdue tasks go to the body above."""
    flows = load_flows()
    result = flows.escalation.escalation_check(
        as_of.date() if as_of else None, extension_days, dry_run
    )
    console.print(f"Đã chuyển cấp trên {result['escalated']:,} việc quá hạn.")
    _print_warnings(result)


class TaskFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"
    xlsx = "xlsx"


def _statuses(status: str | None) -> list[str] | None:
    if status is None:
        return None
    if status == "open":
        return [str(s) for s in ACTIVE_STATUSES]
    if status == "closed":
        return [str(s) for s in CLOSED]
    if status not in {str(s) for s in TaskStatus}:
        named = [f"{s} ({TASK_STATUS_VI.get(str(s), s)})" for s in TaskStatus if s != "open"]
        valid = ", ".join([f"open ({ACTIVE_TASKS_VI})", "closed (đã đóng)", *named])
        raise typer.BadParameter(
            f"'{status}' không phải trạng thái việc; dùng một trong: {valid}", param_hint="--status"
        )
    return [status]


def task_dict(task: Any) -> dict[str, Any]:
    return {
        "id": task.id,
        "rule": task.rule,
        "unit": task.unit,
        "period": task.period_key or None,
        "status": task.status,
        "due": task.due_on.isoformat() if task.due_on else None,
        "assignee": task.assignee,
        "responsible": task.responsible_code,
        "responsible_kind": task.responsible_kind,
        "finding_status": task.finding_status,
        "severity": task.severity,
        "province_code": task.province_code,
        "unit_name": task.unit_name,
        "title": task.title,
        "escalation_level": task.escalation_level,
        "waived_until": task.waived_until.isoformat() if task.waived_until else None,
        "reason": task.reason,
    }


@tasks_app.command("list")
def list_tasks(
    status: Annotated[
        str | None,
        typer.Option(help="open (open, in_progress, escalated), closed, or one status."),
    ] = None,
    rule: Annotated[str | None, typer.Option()] = None,
    unit: Annotated[str | None, typer.Option()] = None,
    province: Annotated[str | None, typer.Option()] = None,
    responsible: Annotated[str | None, typer.Option(help="Union code of the body.")] = None,
    output: Annotated[TaskFormat, typer.Option("--format")] = TaskFormat.table,
    limit: Annotated[int, typer.Option(help="Rows in the table format.")] = 200,
    out: Annotated[
        Path | None,
        typer.Option(help="File for --format csv or xlsx (default: standard output for csv)."),
    ] = None,
) -> None:
    """Follow-up tasks, newest first; csv and xlsx hold every selected task, safe to open in
    Excel (a cell that starts like a formula never runs)."""
    t = FollowUpTask.__table__  # type: ignore[attr-defined]
    statement = select(t).order_by(t.c.id.desc())
    if (wanted := _statuses(status)) is not None:
        statement = statement.where(t.c.status.in_(wanted))
    for column, value in (("rule", rule), ("unit", unit), ("province_code", province),
                          ("responsible_code", responsible)):  # fmt: off
        if value is not None:
            statement = statement.where(t.c[column] == value)
    engine = db.make_engine()
    try:
        db.require_schema(engine)
    except ComplianceError as exc:
        raise fail(exc) from None
    with engine.connect() as conn:
        if output is TaskFormat.jsonl:
            for task in conn.execute(statement):
                typer.echo(json.dumps(task_dict(task), ensure_ascii=False))
            return
        if output in (TaskFormat.csv, TaskFormat.xlsx):
            _write_export(conn.execute(statement), output, out)
            return
        total = conn.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
        rows = conn.execute(statement.limit(limit)).all()
    table = RichTable(
        title=f"{total:,} việc" + (f" (hiện {len(rows)})" if total > len(rows) else "")
    )
    for heading in ("Số", "Quy tắc", "Đơn vị", "Kỳ", "Trạng thái", "Hạn", "Giao cho", "Tiêu đề"):
        table.add_column(heading)
    for task in rows:
        table.add_row(
            str(task.id), escape(task.rule), escape(task.unit), escape(task.period_key),
            TASK_STATUS_VI[TaskStatus(task.status)],
            task.due_on.strftime("%d/%m/%Y") if task.due_on else "", escape(task.assignee or ""),
            escape(task.title),
        )  # fmt: off
    console.print(table)


def _write_export(tasks: Any, output: TaskFormat, out: Path | None) -> None:
    from compliance.review import export

    write = export.csv_bytes if output is TaskFormat.csv else export.xlsx_bytes
    content = write(export.task_rows(tasks))
    if out is None and output is TaskFormat.xlsx:
        raise typer.BadParameter("một tệp Excel cần --out TỆP.xlsx", param_hint="--out")
    if out is None:
        sys.stdout.buffer.write(content)
        return
    out.write_bytes(content)
    err_console.print(f"Đã ghi {out}.", highlight=False, markup=False)


@tasks_app.command("show")
def show_task(task_id: Annotated[int, typer.Argument(help="Task number.")]) -> None:
    """A task with its full history."""
    from compliance.followup.manage import get_task

    try:
        task, events = get_task(db.make_engine(), task_id)
    except ComplianceError as exc:
        raise fail(exc) from None
    from compliance import formatting as vn
    from compliance.registry.places import province_label

    console.print(f"[bold]Việc #{task.id}: {escape(task.title)}[/bold]")
    shown = (
        ("Quy tắc", task.rule),
        ("Đơn vị", f"{task.unit_name or ''} ({task.unit})"),
        ("Kỳ", vn.period_vn(task.period_key)),
        ("Trạng thái", vn.label(vn.TASK_STATUS_VI, task.status)),
        ("Phát hiện", vn.label(vn.FINDING_STATUS_VI, task.finding_status)),
        ("Mức độ", vn.label(vn.SEVERITY_VI, task.severity)),
        ("Hạn xử lý", vn.date_vn(task.due_on)),
        ("Người phụ trách", task.assignee),
        ("Cơ quan chịu trách nhiệm", task.responsible_code),
        ("Tỉnh", province_label(task.province_code)),
        ("Cấp chuyển lên", vn.number_vn(task.escalation_level) if task.escalation_level else ""),
        ("Miễn trừ đến", vn.date_vn(task.waived_until)),
        ("Lý do", task.reason),
    )
    for name, value in shown:
        if value:
            console.print(f"  {name}: {escape(str(value))}", highlight=False)
    console.print(escape(task.body), highlight=False)
    history = RichTable(title="Lịch sử (giờ Việt Nam)")
    for heading in ("Lúc", "Ai", "Việc", "Trước", "Sau", "Ghi chú"):
        history.add_column(heading)
    for event in events:
        history.add_row(
            vn.datetime_vn(event.at), escape(event.actor), vn.label(vn.ACTION_VI, event.action),
            escape(vn.fields_text(event.before)), escape(vn.fields_text(event.after)),
            escape(event.note or ""),
        )  # fmt: off
    console.print(history)


@tasks_app.command("update")
def update(
    task_id: Annotated[int, typer.Argument(help="Task number.")],
    status: Annotated[
        str | None, typer.Option(help="open, in_progress, waived or dismissed.")
    ] = None,
    assignee: Annotated[str | None, typer.Option()] = None,
    due: Annotated[dt.datetime | None, typer.Option(formats=["%Y-%m-%d"])] = None,
    reason: Annotated[str | None, typer.Option(help="Required to waive or dismiss.")] = None,
    until: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="A waiver's expiry.")
    ] = None,
    approver: Annotated[str | None, typer.Option(help="Who approved a waiver.")] = None,
    actor: Annotated[str | None, typer.Option(help="Who makes the change.")] = None,
) -> None:
    """Change a task; the change is appended to its history."""
    from compliance.followup.manage import update_task

    try:
        task = update_task(
            db.make_engine(), task_id, actor=actor or getpass.getuser(), status=status,
            assignee=assignee, due_on=due.date() if due else None, reason=reason,
            waived_until=until.date() if until else None, approver=approver,
        )  # fmt: off
    except ComplianceError as exc:
        failed = fail(exc)
        if exc.code in _TASK_OPTIONS:  # the message is shared with the web: the option is ours
            err_console.print(f"Tùy chọn: {_TASK_OPTIONS[exc.code]}", highlight=False, markup=False)
        raise failed from None
    console.print(f"Việc #{task.id}: {TASK_STATUS_VI[TaskStatus(task.status)]}.")


@notify_app.command("add")
def notify_add(
    body: Annotated[
        str,
        typer.Argument(
            help="Union code of the body, ubkt:CODE for its inspection committee, or * for all."
        ),
    ],
    url: Annotated[str, typer.Argument(help="Apprise URL, e.g. mailto://… or json://host/path.")],
) -> None:
    """Send this body's digests to URL too."""
    import apprise

    if not apprise.Apprise().add(url):
        text = f"[notify.bad_url] {message('notify.bad_url', target=mask_url(url))}"
        err_console.print(text, style="red", markup=False, highlight=False)
        raise typer.Exit(code=1)
    engine = db.make_engine()
    db.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(NotificationTarget.__table__.insert().values(body_code=body, url=url))  # type: ignore[attr-defined]
    console.print(f"Đã thêm nơi nhận cho {body}: {mask_url(url)}.", markup=False, highlight=False)


@notify_app.command("list")
def notify_list() -> None:
    """Configured digest targets (credentials and tokens masked)."""
    t = NotificationTarget.__table__  # type: ignore[attr-defined]
    with db.make_engine().connect() as conn:
        for row in conn.execute(select(t).order_by(t.c.body_code)):
            # Credentials stay in the database: only the scheme and the host are shown.
            line = f"{row.id}\t{row.body_code}\t{mask_url(row.url)}"
            console.print(line, markup=False, highlight=False, soft_wrap=True)


@notify_app.command("remove")
def notify_remove(target_id: Annotated[int, typer.Argument()]) -> None:
    """Stop sending to a target (by the number `notify list` shows)."""
    t = NotificationTarget.__table__  # type: ignore[attr-defined]
    with db.make_engine().begin() as conn:
        conn.execute(delete(t).where(t.c.id == target_id))
