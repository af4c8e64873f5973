"""``compliance rules …`` and ``compliance evaluate``: the rule catalogue and ad-hoc checks."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from compliance import db
from compliance.console import console, err_console
from compliance.engine.findings import Finding
from compliance.exceptions import ComplianceError
from compliance.formatting import FINDING_STATUS_VI
from compliance.rules.loaded import LoadedRule, Problem, RulesInvalid
from compliance.rules.validate import load_rules

rules_app = typer.Typer(help="The rule catalogue: validate, test, schema.", no_args_is_help=True)

PathsArg = Annotated[
    list[Path] | None, typer.Argument(help="Rule files or folders (default: rules/).")
]


def _load(paths: list[Path] | None, programmes: bool = False) -> list[LoadedRule]:
    """The rules of ``paths``; with ``programmes``, the programme items as rules too."""
    try:
        if programmes:
            from compliance.engine.programme_rules import catalogue

            return catalogue(paths or ())
        return load_rules(paths or ())
    except RulesInvalid as exc:
        raise _refused(exc.problems) from None


def _refused(problems: list[Problem]) -> typer.Exit:
    for problem in problems:
        err_console.print(escape(str(problem)), highlight=False, soft_wrap=True)
    err_console.print(f"[red]{len(problems)} lỗi trong tệp quy tắc.[/red]")
    return typer.Exit(code=1)


@rules_app.command("validate")
def validate(paths: PathsArg = None) -> None:
    """Check rule and programme files; every error as FILE:LINE: message, exit 1 if any."""
    from compliance.programmes.load import check_programmes
    from compliance.rules.loaded import default_rules_dir

    try:
        loaded, problems = load_rules(paths or ()), []
    except RulesInvalid as exc:
        loaded, problems = [], exc.problems
    programmes, found = check_programmes(paths or [default_rules_dir()])
    if problems or found:
        raise _refused(sorted([*problems, *found], key=lambda p: (str(p.file), p.line)))
    items = sum(len(p.items) for p in programmes)
    console.print(
        f"{len(loaded)} quy tắc hợp lệ."
        + (f" {len(programmes)} chương trình ({items} mục) hợp lệ." if programmes else "")
    )


@rules_app.command("schema")
def schema() -> None:
    """Print the JSON Schema of a rule file."""
    from compliance.rules.model import json_schema

    typer.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


@rules_app.command("list")
def list_rules(paths: PathsArg = None) -> None:
    """The catalogue: id, version, period, severity, source."""
    table = RichTable(title="Danh mục quy tắc")
    for heading in ("Mã", "Phiên bản", "Kỳ", "Mức độ", "Nguồn", "Tên"):
        table.add_column(heading)
    for loaded in _load(paths):
        rule = loaded.rule
        table.add_row(
            rule.id, rule.version(), rule.period, rule.severity, loaded.citation, rule.title
        )
    console.print(table)


@rules_app.command("test")
def test(
    paths: PathsArg = None,
    rule: Annotated[list[str] | None, typer.Option(help="Only these rule ids.")] = None,
) -> None:
    """Run each rule's shipped cases on every engine (SQL, durable-rules, Python)."""
    from compliance.engine.cases import run_all

    loaded = [r for r in _load(paths) if not rule or r.id in rule]
    results = run_all(loaded)
    failed = [r for r in results if not r.passed]
    for result in results:
        mark = "[green]ĐẠT[/green]" if result.passed else "[red]LỖI[/red]"
        console.print(f"{mark} {result.rule}: {escape(result.case)}", highlight=False)
        for line in result.problems():
            console.print(f"    {escape(line)}", highlight=False)
    console.print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed or not results:
        raise typer.Exit(code=1)


class FindingFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


class Engine(StrEnum):
    auto = "auto"
    sql = "sql"
    durable = "durable"
    python = "python"


def evaluate_command(
    as_of: Annotated[dt.datetime, typer.Option(formats=["%Y-%m-%d"], help="The day judged.")],
    rule: Annotated[list[str] | None, typer.Option(help="Rule id; repeat.")] = None,
    unit: Annotated[
        list[str] | None, typer.Option(help="Tax code, union code or complaint id; repeat.")
    ] = None,
    province: Annotated[str | None, typer.Option(help="Province code.")] = None,
    output: Annotated[FindingFormat, typer.Option("--format")] = FindingFormat.table,
    explain: Annotated[bool, typer.Option(help="Add the facts, thresholds and source.")] = False,
    engine: Annotated[
        Engine,
        typer.Option(help="auto: durable-rules for a few units, SQL otherwise (same findings)."),
    ] = Engine.auto,
    history: Annotated[int, typer.Option(min=1, help="Periods judged, newest first.")] = 1,
    rules_path: Annotated[list[Path] | None, typer.Option("--rules", help="Rule files.")] = None,
    programme: Annotated[
        list[str] | None, typer.Option(help="Programme id: only its items; repeat.")
    ] = None,
) -> None:
    """Evaluate on demand and print the findings; changes nothing in the database.

    Programme items (rules/programmes/) are judged too; ``--rule PROGRAMME_ID/ITEM_ID`` names one.
    """
    from compliance.engine.evaluate import Selection, evaluate

    loaded = _load(rules_path, programmes=True)
    known = {r.id for r in loaded}
    for rule_id in rule or ():
        if rule_id not in known:
            from compliance.formatting import did_you_mean

            err_console.print(
                f"[red]Không có quy tắc '{rule_id}'{did_you_mean(rule_id, known)}[/red]"
            )
            raise typer.Exit(code=2)
    rule = [*(rule or ()), *_programme_items(loaded, programme or ())]
    method = engine.value
    if engine is Engine.auto:
        method = "durable" if unit and len(unit) <= 100 else "sql"
    database = db.make_engine()
    try:
        db.require_schema(database)
        with database.connect() as conn:
            findings = evaluate(
                conn,
                loaded,
                as_of.date(),
                Selection.of(rule or (), unit or (), province),
                method=method,  # type: ignore[arg-type]
                history=history,
            )
            conn.rollback()  # nothing to keep: evaluation only reads
    except ComplianceError as exc:
        err_console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(code=1) from None
    finally:
        database.dispose()  # no connection left to the garbage collector
    _print_findings(findings, output, explain)


_JSONL_BATCH = 5_000


def _write_jsonl(findings: list[Finding], explain: bool) -> None:
    """One write per batch of lines: a write (and an echo) per finding was a tenth of the
    command's time on a national registry. Same text as ``json.dumps`` of each finding."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    out = sys.stdout
    for start in range(0, len(findings), _JSONL_BATCH):
        batch = findings[start : start + _JSONL_BATCH]
        out.write("".join([encode(f.as_dict(explain)) + "\n" for f in batch]))
    out.flush()


def _unknown(text: str, word: str, known: set[str]) -> None:
    from compliance.formatting import did_you_mean

    err_console.print(f"[red]{escape(text)}{escape(did_you_mean(word, known))}[/red]")
    raise typer.Exit(code=2)


def _programme_items(loaded: list[LoadedRule], programmes: list[str]) -> list[str]:
    """The rule ids of the items of ``programmes`` (an unknown programme exits with code 2)."""
    from compliance.engine.programme_rules import ProgrammeRule

    items = [r for r in loaded if isinstance(r, ProgrammeRule)]
    ids = {r.programme.programme.id for r in items}
    for wanted in programmes:
        if wanted not in ids:
            _unknown(f"Không có chương trình '{wanted}'", wanted, ids)
    return [r.id for r in items if r.programme.programme.id in programmes]


def _print_findings(findings: list[Finding], output: FindingFormat, explain: bool) -> None:
    if output is FindingFormat.jsonl:
        _write_jsonl(findings, explain)
        return
    if output is FindingFormat.json:
        typer.echo(json.dumps([f.as_dict(explain) for f in findings], ensure_ascii=False, indent=2))
        return
    table = RichTable(title=f"{len(findings):,} phát hiện", show_lines=explain)
    for heading in ("Quy tắc", "Đơn vị", "Tên", "Kỳ", "Trạng thái", "Hạn"):
        table.add_column(heading)
    if explain:
        table.add_column("Giải thích")
    for f in findings:
        cells = [
            f.rule,
            f.unit,
            f.unit_name or "",
            f.period or "",
            f.loaded.status_label(f.status) if f.loaded else FINDING_STATUS_VI[f.status],
            f.due.strftime("%d/%m/%Y") if f.due else "",
        ]
        if explain:
            cells.append(f.explanation)
        table.add_row(*(escape(c) for c in cells))
    console.print(table)


class PreviewFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"
    xlsx = "xlsx"


@rules_app.command("preview")
def preview(
    as_of: Annotated[dt.datetime, typer.Option(formats=["%Y-%m-%d"], help="The day judged.")],
    drafts: Annotated[
        list[Path] | None, typer.Argument(help="Draft rule files (new or changed rules).")
    ] = None,
    province: Annotated[str | None, typer.Option(help="Province code.")] = None,
    settings: Annotated[
        list[str] | None,
        typer.Option("--set", help="RULE.PARAM=VALUE, e.g. union.establishment.min_workers=20."),
    ] = None,
    output: Annotated[PreviewFormat, typer.Option("--format")] = PreviewFormat.table,
    out: Annotated[Path | None, typer.Option(help="Write to this file (xlsx needs one).")] = None,
) -> None:
    """What drafts would change before publishing: findings added, removed, changed; reads only."""
    from compliance import cli_preview
    from compliance.engine.preview import PreviewRefused, catalogues
    from compliance.engine.preview import preview as run_preview
    from compliance.engine.preview_groups import groups
    from compliance.messages import message

    if output is PreviewFormat.xlsx and out is None:
        err_console.print(f"[red]{escape(message('preview.xlsx_needs_out'))}[/red] (--out FILE)")
        raise typer.Exit(code=2)
    published = _load(None)
    drafted = _load(drafts) if drafts else []
    try:
        chosen = catalogues(published, drafted, settings or (), len(drafts or ()))
    except PreviewRefused as exc:
        err_console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(code=2) from None
    database = db.make_engine()
    try:
        db.require_schema(database)
        with database.connect() as conn:
            result = run_preview(conn, chosen, as_of.date(), province)
            found = groups(conn, result)
            conn.rollback()  # nothing to keep: a preview only reads
    except ComplianceError as exc:
        err_console.print(f"[red]{escape(str(exc))}[/red]")
        raise typer.Exit(code=exc.exit_code) from None
    if output is PreviewFormat.xlsx:
        assert out is not None
        cli_preview.write_xlsx(result, found, out)
        return
    with out.open("w", encoding="utf-8") if out else _stdout() as stream:
        if output is PreviewFormat.jsonl:
            cli_preview.write_jsonl(found, stream)
        else:
            cli_preview.write_table(result, found, stream if out else None)


def _stdout() -> Any:
    import contextlib
    import sys

    return contextlib.nullcontext(sys.stdout)
