"""Writing reports: checked inputs, atomic files, the reports of a run, the latest of a folder.

A report is rendered completely in memory, written to a temporary file beside the target and
renamed over it: a failure at any point leaves no partial file, and a reader never sees half
a PDF.

A run's PDFs are laid out when first opened, not during the run: WeasyPrint takes ~0.5 s a
province and ~7 s for the nation, 34 s of a national run's 43 s of reports, for documents most
days nobody opens (issue 15). The run keeps each PDF's HTML, rendered from the run's figures,
beside the reports (:func:`pending_pdf`); :func:`finish_pdf` lays it out once, so the PDF says
exactly what it would have said had the run made it. ``COMPLIANCE_REPORTS_PDF_AT_RUN=true``
makes them during the run instead.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from compliance import db
from compliance.exceptions import CodedError
from compliance.registry.places import current_provinces
from compliance.reports.context import ReportData
from compliance.reports.gather import build_report, build_reports
from compliance.rules.loaded import RulesInvalid
from compliance.settings import get_settings
from compliance.targets.load import LoadedTarget, load_targets

Format = Literal["html", "pdf", "xlsx"]
FORMATS: tuple[Format, ...] = ("html", "pdf", "xlsx")
# What report_name() writes; the web UI serves only files named so.
REPORT_NAME = re.compile(
    r"^bao-cao-(?P<scope>[0-9a-z-]+)-(?P<day>\d{4}-\d{2}-\d{2})\.(?P<ext>html|pdf|xlsx)$"
)
_PENDING = (".", ".html")  # a PDF's HTML kept by a run: ".NAME.pdf.html" (pending_pdf)
_LAYING_OUT = threading.Lock()  # one PDF at a time per process: each takes a core


class ReportError(CodedError):
    """A report cannot be written; the message (Vietnamese) says what to change."""

    code = "report.error"


def check_province(province: str | None) -> str | None:
    """The two-digit 2025 code, or :class:`ReportError` naming the valid ones."""
    if province is None:
        return None
    code = f"{int(province):02d}" if province.isdigit() else province
    provinces = current_provinces()
    if code not in provinces:
        valid = ", ".join(f"{c} ({n})" for c, n in sorted(provinces.items()))
        raise ReportError(
            "report.unknown_province",
            province=province,
            valid=valid,
        )
    return code


def _targets() -> list[LoadedTarget]:
    try:
        return load_targets()
    except RulesInvalid as exc:
        raise ReportError("report.targets_invalid", problems=str(exc)) from exc


def prepare(
    engine: Engine, as_of: dt.date, province: str | None = None, number: str | None = None
) -> ReportData:
    """Check the inputs and the database, then read everything the report shows."""
    code = check_province(province)
    db.require_schema(engine)
    targets = _targets()
    with engine.connect() as conn:
        return build_report(conn, as_of, targets, code, number)


def render(report: ReportData, fmt: Format) -> bytes:
    from compliance.reports.render import render_html, render_pdf
    from compliance.reports.xlsx import workbook_bytes

    if fmt == "html":
        return render_html(report).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(report)
    return workbook_bytes(report)


def pending_pdf(path: Path) -> Path:
    """Where a run keeps the HTML of the PDF ``path`` until it is first opened (hidden, so
    nothing lists it as a report)."""
    prefix, suffix = _PENDING
    return path.with_name(f"{prefix}{path.name}{suffix}")


def finish_pdf(path: Path) -> bool:
    """Lay out the PDF a run left pending, once; False when there is neither PDF nor source.

    Readers of the same PDF wait for the first one's layout, then find the file. A run that
    replaces the source meanwhile (a rerun of the day) wins: the stale layout is thrown away
    and the new source laid out."""
    from compliance.reports.render import pdf_from_html

    source = pending_pdf(path)
    with _LAYING_OUT:
        while not path.is_file():
            try:
                before = source.stat()
                html = source.read_text(encoding="utf-8")
            except FileNotFoundError:
                return path.is_file()
            content = pdf_from_html(html)
            try:
                now = source.stat()
            except FileNotFoundError:
                continue  # a run of the day replaced it with its own PDF meanwhile
            if (now.st_ino, now.st_mtime_ns) == (before.st_ino, before.st_mtime_ns):
                write_atomically(path, content)
                source.unlink(missing_ok=True)
    return True


def write_atomically(path: Path, content: bytes) -> Path:
    """Write ``content`` to ``path`` through a temporary file renamed over it."""
    folder = path.parent
    if not folder.is_dir():
        raise ReportError("report.no_folder", folder=folder)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_report(
    engine: Engine,
    as_of: dt.date,
    fmt: Format,
    out: Path,
    province: str | None = None,
    number: str | None = None,
) -> Path:
    """The ``compliance report`` command: one report, one file, all or nothing."""
    if fmt not in FORMATS:
        raise ReportError("report.unknown_format", fmt=fmt)
    report = prepare(engine, as_of, province, number)
    return write_atomically(out, render(report, fmt))


def report_name(as_of: dt.date, province: str | None, fmt: Format) -> str:
    return f"bao-cao-{province or 'ca-nuoc'}-{as_of.isoformat()}.{fmt}"


def write_run_reports(
    engine: Engine,
    as_of: dt.date,
    out_dir: Path,
    province: str | None = None,
    formats: Sequence[Format] = FORMATS,
) -> list[Path]:
    """Every format of the run's reports into ``out_dir`` (created): the report of
    ``province``, or for a whole run the national report and one per province of the registry,
    so each province's inspectors find their own (the web shows each account its scope's)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    code = check_province(province)
    scopes: list[str | None] = [code] if code else [None, *registry_provinces(engine)]
    db.require_schema(engine)
    targets = _targets()
    with engine.connect() as conn:
        reports = build_reports(conn, as_of, targets, scopes)
    written: list[Path] = []
    for scope, report in zip(scopes, reports, strict=True):
        for fmt in formats:
            path = out_dir / report_name(as_of, scope, fmt)
            if fmt == "pdf" and not get_settings().reports_pdf_at_run:
                _leave_pdf_pending(path, report)
            else:
                written.append(write_atomically(path, render(report, fmt)))
                pending_pdf(path).unlink(missing_ok=True)
    return written


def _leave_pdf_pending(path: Path, report: ReportData) -> None:
    """Keep the PDF's HTML for :func:`finish_pdf`; a PDF of an earlier run of the day goes."""
    from compliance.reports.render import pdf_source

    write_atomically(pending_pdf(path), pdf_source(report).encode("utf-8"))
    path.unlink(missing_ok=True)


def registry_provinces(engine: Engine) -> list[str]:
    """The 2025 province codes the registry's enterprises and unions are in."""
    known = current_provinces()
    with engine.connect() as conn:
        found = {
            code
            for table in ("enterprises", "unions")
            for (code,) in conn.execute(
                select(SQLModel.metadata.tables[table].c.province_code).distinct()
            )
            if code in known
        }
    return sorted(found)


def latest_reports(directory: Path, province: str | None = None) -> dict[str, Path]:
    """Format → the report of the latest day in ``directory`` (for the web UI's links).

    Only files named by :func:`report_name` count; with ``province``, only that province's
    (``None``: every scope, the latest day first).
    """
    if not directory.is_dir():
        return {}
    found: dict[str, tuple[str, float, Path]] = {}
    prefix, suffix = _PENDING
    for found_path in directory.iterdir():
        path = found_path
        if found_path.name.startswith(prefix) and found_path.name.endswith(suffix):
            path = found_path.with_name(found_path.name[len(prefix) : -len(suffix)])  # pending PDF
        match = REPORT_NAME.match(path.name)
        if not match or province is not None and match["scope"] != province:
            continue
        key = (match["day"], found_path.stat().st_mtime)
        best = found.get(match["ext"])
        if best is None or key > best[:2]:
            found[match["ext"]] = (*key, path)
    return {ext: path for ext, (_day, _mtime, path) in sorted(found.items())}
