"""The reports page: the latest reports the runs wrote, and a report made now, in scope.

Making one now is for operators and administrators, by POST (CSRF and origin checked), one at
a time per server process and not too often per account: a PDF of a large province takes
minutes of a core, and a page anyone may open must not start that.

Reports are whole-province (or nationwide) documents, so a province account sees its
province's and a nationwide account every one; a union-scoped account sees none, rather than a
province document that covers units outside its scope.
"""

from __future__ import annotations

import logging
import math
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, Response

from compliance.accounts import Account
from compliance.reports.files import (
    FORMATS,
    REPORT_NAME,
    check_province,
    finish_pdf,
    latest_reports,
    report_name,
    write_report,
)
from compliance.settings import get_settings, today
from compliance.web.auth import OPERATORS, READERS, check_csrf, require, scope_of
from compliance.web.errors import Refused
from compliance.web.pages import _page

router = APIRouter(include_in_schema=False)
logger = logging.getLogger(__name__)
Reader = Annotated[Account, Depends(require(*READERS))]
Operator = Annotated[Account, Depends(require(*OPERATORS))]
NATIONWIDE = "ca-nuoc"
MEDIA = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _folder() -> Path:
    return Path(get_settings().reports_dir)


def _visible_scopes(request: Request, account: Account) -> list[str] | None:
    """Report scopes ("80", "ca-nuoc") this account may read; None means every one."""
    scope = scope_of(request, account)
    if scope.kind == "country":
        return None
    if scope.kind == "province" and scope.code:
        return [scope.code]
    return []


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, account: Reader) -> HTMLResponse:
    allowed = _visible_scopes(request, account)
    folder = _folder()
    found: dict[str, dict[str, Path]] = {}
    names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    for scope in sorted({m["scope"] for n in names if (m := REPORT_NAME.match(n))}):
        if allowed is None or scope in allowed:
            found[scope] = latest_reports(folder, scope)
    return _page(
        request,
        "reports.html",
        account,
        found=found,
        allowed=allowed,
        formats=FORMATS,
        may_make=account.role in OPERATORS,
    )


@router.get("/reports/files/{name}")
def report_file(
    request: Request, account: Reader, name: Annotated[str, PathParam(max_length=100)]
) -> FileResponse:
    match = REPORT_NAME.match(name)
    path = _folder() / name
    if match is None:
        raise HTTPException(404, "Không có báo cáo này.")
    allowed = _visible_scopes(request, account)
    if allowed is not None and match["scope"] not in allowed:
        raise HTTPException(403, "Báo cáo này nằm ngoài phạm vi của bạn.")
    if not (path.is_file() or path.suffix == ".pdf" and _finished(path)):
        raise HTTPException(404, "Không có báo cáo này.")
    return FileResponse(path, media_type=MEDIA[name.rsplit(".", 1)[1]], filename=name)


def _finished(path: Path) -> bool:
    """A run's PDF is laid out when first opened (reports.files.finish_pdf)."""
    try:
        return finish_pdf(path)
    except Exception as exc:  # noqa: BLE001 - WeasyPrint's errors are many; say it, no 500
        logger.exception("PDF %s not laid out", path.name)
        raise Refused(
            503, "web.report_pdf_failed", name=path.name, reason=type(exc).__name__
        ) from exc


class ReportGate:
    """Reports made on request are heavy (a province's PDF takes seconds to minutes): one at a
    time per server process, and one per account every ``report_min_interval`` seconds."""

    def __init__(self) -> None:
        self._busy = threading.Lock()
        self._last: dict[int, float] = {}
        self._guard = threading.Lock()

    @contextmanager
    def turn(self, account: Account) -> Iterator[None]:
        wait = get_settings().report_min_interval
        with self._guard:
            since = time.monotonic() - self._last.get(account.id, -math.inf)
            if since < wait:
                seconds = math.ceil(wait - since)
                raise Refused(
                    429, "web.report_too_soon", {"Retry-After": str(seconds)}, seconds=seconds
                )
            if not self._busy.acquire(blocking=False):
                raise Refused(429, "web.report_busy", {"Retry-After": "30"})
            self._last[account.id] = time.monotonic()
        try:
            yield
        finally:
            self._busy.release()


@router.post("/reports/now", dependencies=[Depends(check_csrf)])
def report_now(
    request: Request,
    account: Operator,
    format: Annotated[str, Form(pattern="^(html|pdf|xlsx)$")] = "pdf",  # noqa: A002
    province: Annotated[str, Form(pattern="^[0-9]{0,2}$", description="Mã tỉnh 2 chữ số")] = "",
) -> Response:
    """A report as of today, made on request, for operators and administrators (reading the
    reports the runs wrote is open to every role)."""
    allowed = _visible_scopes(request, account)
    chosen = check_province(province or None)
    if allowed is not None:
        if not allowed or (chosen is not None and chosen not in allowed):
            raise HTTPException(403, "Báo cáo này nằm ngoài phạm vi của bạn.")
        chosen = allowed[0]
    day = today()
    with request.app.state.reports.turn(account), tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / report_name(day, chosen, format)  # type: ignore[arg-type]
        write_report(request.app.state.engine, day, format, out, chosen)  # type: ignore[arg-type]
        content = out.read_bytes()
    name = report_name(day, chosen, format)  # type: ignore[arg-type]
    return Response(
        content,
        media_type=MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
