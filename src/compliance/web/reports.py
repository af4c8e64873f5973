"""The reports page: the latest reports the runs wrote, and a report made now, in scope.

Reports are whole-province (or nationwide) documents, so a province account sees its
province's and a nationwide account every one; a union-scoped account sees none, rather than a
province document that covers units outside its scope.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from compliance.accounts import Account
from compliance.reports.files import FORMATS, latest_reports, report_name, write_report
from compliance.settings import get_settings, today
from compliance.web.auth import READERS, require, scope_of
from compliance.web.pages import _page

router = APIRouter(include_in_schema=False)
Reader = Annotated[Account, Depends(require(*READERS))]
NATIONWIDE = "ca-nuoc"
_FILE = re.compile(r"^bao-cao-(?P<scope>[0-9a-z-]+)-\d{4}-\d{2}-\d{2}\.(html|pdf|xlsx)$")
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
    for scope in sorted({m["scope"] for n in names if (m := _FILE.match(n))}):
        if allowed is None or scope in allowed:
            found[scope] = latest_reports(folder, scope)
    return _page(request, "reports.html", account, found=found, allowed=allowed, formats=FORMATS)


@router.get("/reports/files/{name}")
def report_file(request: Request, account: Reader, name: str) -> FileResponse:
    match = _FILE.match(name)
    path = _folder() / name
    if match is None or not path.is_file():
        raise HTTPException(404, "Không có báo cáo này.")
    allowed = _visible_scopes(request, account)
    if allowed is not None and match["scope"] not in allowed:
        raise HTTPException(403, "Báo cáo này nằm ngoài phạm vi của bạn.")
    return FileResponse(path, media_type=MEDIA[name.rsplit(".", 1)[1]], filename=name)


@router.get("/reports/now")
def report_now(
    request: Request,
    account: Reader,
    format: Annotated[str, Query(pattern="^(html|pdf|xlsx)$")] = "pdf",  # noqa: A002
    province: str | None = None,
) -> Response:
    """A report as of today, made on request (a PDF of a large province takes seconds)."""
    allowed = _visible_scopes(request, account)
    if allowed is not None:
        if not allowed or (province is not None and province not in allowed):
            raise HTTPException(403, "Báo cáo này nằm ngoài phạm vi của bạn.")
        province = allowed[0]
    day = today()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / report_name(day, province, format)  # type: ignore[arg-type]
        write_report(request.app.state.engine, day, format, out, province)  # type: ignore[arg-type]
        content = out.read_bytes()
    name = report_name(day, province, format)  # type: ignore[arg-type]
    return Response(
        content,
        media_type=MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
