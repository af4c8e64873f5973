"""The programme pages: every programme, one programme's items × years grid, an item's history
and evidence, and the progress-report form of its lead bodies (issue 14.5, 14.7).

An uploaded evidence file is kept under ``COMPLIANCE_REPORTS_DIR/evidence`` by its content's
hash (the same file twice is stored once); the report's ``evidence`` then names it as
``tệp:NAME`` and readers download it from here. A link is stored as it was typed.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from compliance.accounts import Account
from compliance.engine.programme_rules import ProgrammeRule, bodies_for
from compliance.engine.programme_status import STATUS_VI
from compliance.engine.programmes import owing
from compliance.registry.contract import REPORT_STATUSES
from compliance.review import programmes as review
from compliance.settings import get_settings, today
from compliance.web import pages
from compliance.web.auth import READERS, check_csrf, require
from compliance.web.fields import Code, FormDate, Name, Note

router = APIRouter(include_in_schema=False)
Reader = Annotated[Account, Depends(require(*READERS))]
EVIDENCE_PREFIX = "tệp:"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
REPORT_STATUS_VI = {value: names[0] for value, names in REPORT_STATUSES.items()}


def _programmes(request: Request) -> dict[str, list[ProgrammeRule]]:
    """The programme items among the application's rules (loaded once, at its start)."""
    if not hasattr(request.app.state, "programmes"):
        request.app.state.programmes = review.by_programme(request.app.state.rules.values())
    return request.app.state.programmes  # type: ignore[no-any-return]


def _items(request: Request, programme_id: str) -> list[ProgrammeRule]:
    found = _programmes(request).get(programme_id)
    if not found:
        raise review.ProgrammeNotFound(programme_id)
    return found


def _item(request: Request, programme_id: str, item_id: str) -> ProgrammeRule:
    for rule in _items(request, programme_id):
        if rule.item.item.id == item_id:
            return rule
    raise review.ProgrammeNotFound(f"{programme_id}/{item_id}")


def _page(request: Request, name: str, account: Account, **context: Any) -> HTMLResponse:
    """The review UI's page frame, with the programme grid's status names."""
    return pages._page(
        request, name, account, cell_vi=STATUS_VI, report_vi=REPORT_STATUS_VI, **context
    )


@router.get("/programmes", response_class=HTMLResponse)
def programmes_page(request: Request, account: Reader) -> HTMLResponse:
    engine, day = request.app.state.engine, today()
    summaries = []
    for items in _programmes(request).values():
        rows = review.grid(engine, items, day, None).rows
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.status] = counts.get(row.status, 0) + 1
        summaries.append((items[0].programme.programme, items[0].citation, len(items), counts))
    return _page(request, "programmes.html", account, summaries=summaries)


@router.get("/programmes/{programme_id}", response_class=HTMLResponse)
def programme_page(
    request: Request,
    account: Reader,
    programme_id: Annotated[Code, Path()],
    lead: Annotated[Name, Query()] = "",
) -> HTMLResponse:
    items = _items(request, programme_id)
    view = review.grid(request.app.state.engine, items, today(), lead.strip() or None)
    return _page(request, "programme.html", account, grid=view, citation=items[0].citation)


@router.get("/programmes/{programme_id}/items/{item_id}", response_class=HTMLResponse)
def item_page(
    request: Request,
    account: Reader,
    programme_id: Annotated[Code, Path()],
    item_id: Annotated[Code, Path()],
) -> HTMLResponse:
    rule = _item(request, programme_id, item_id)
    leads = owing(bodies_for(rule), rule.item.item.lead)
    mine = [lead for lead in leads if review.may_file(account, rule, lead)]
    view = review.grid(request.app.state.engine, [rule], today(), None)
    return _page(
        request,
        "programme_item.html",
        account,
        rule=rule,
        row=view.rows[0],
        years=view.years,
        reports=review.history(request.app.state.engine, rule),
        leads=leads,
        mine=mine,
        periods=_periods(view.rows[0]),
        evidence_prefix=EVIDENCE_PREFIX,
    )


def _periods(row: review.Row) -> list[tuple[str, str]]:
    """The periods a report may cover, as (value, label): "" for a single deadline."""
    seen: dict[str, str] = {}
    for badges in row.cells.values():
        for badge in badges:
            seen.setdefault(badge.period or "", badge.label_full)
    return sorted(seen.items())


@router.post(
    "/programmes/{programme_id}/items/{item_id}/reports", dependencies=[Depends(check_csrf)]
)
async def file_report(
    request: Request,
    account: Reader,
    programme_id: Annotated[Code, Path()],
    item_id: Annotated[Code, Path()],
    body: Annotated[Name, Form()],
    status: Annotated[Code, Form()],
    reported_on: Annotated[FormDate, Form()] = None,
    period: Annotated[Code, Form()] = "",
    link: Annotated[Note, Form()] = "",
    note: Annotated[Note, Form()] = "",
    evidence_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    rule = _item(request, programme_id, item_id)
    back = f"/programmes/{programme_id}/items/{item_id}"
    evidence = link.strip() or None
    if evidence_file is not None and evidence_file.filename:
        evidence = EVIDENCE_PREFIX + _store(await evidence_file.read(), evidence_file.filename)
    try:
        review.file_report(
            request.app.state.engine,
            account,
            rule,
            body=body,
            period=period,
            status=status,
            reported_on=reported_on,
            evidence=evidence,
            note=note.strip() or None,
        )
    except review.ProgrammeError as exc:
        request.session["flash"] = {"text": str(exc), "kind": "error"}
    else:
        request.session["flash"] = {"text": f"Đã ghi báo cáo tiến độ của {body}.", "kind": "ok"}
    return RedirectResponse(back, status_code=303)


MEDIA = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/programmes/{programme_id}/report")
def programme_report(
    request: Request,
    account: Reader,
    programme_id: Annotated[Code, Path()],
    format: Annotated[Literal["html", "pdf", "xlsx"], Query()] = "html",  # noqa: A002
    kind: Annotated[Literal["so_ket", "tong_ket"], Query()] = "so_ket",
) -> Response:
    """The sơ kết (or tổng kết) report of the programme as of today."""
    from compliance.reports import programme_report as report

    items = _items(request, programme_id)
    with request.app.state.engine.connect() as conn:
        data = report.build(conn, items, today(), kind)
    # A download, like the compliance reports: the HTML carries its own print styles, which
    # this site's Content-Security-Policy would not apply to a page of its own.
    name = f"{kind.replace('_', '-')}-{programme_id}-{today().isoformat()}.{format}"
    return Response(
        report.render(data, format),
        media_type=MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def evidence_dir() -> FilePath:
    return FilePath(get_settings().reports_dir) / "evidence"


def _store(content: bytes, filename: str) -> str:
    suffix = _SAFE.sub("", FilePath(filename).suffix)[:10]
    name = f"{hashlib.sha256(content).hexdigest()[:32]}{suffix}"
    folder = evidence_dir()
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / name).exists():
        (folder / name).write_bytes(content)
    return name


@router.get("/programmes/evidence/{name}")
def evidence(request: Request, account: Reader, name: Annotated[Code, Path()]) -> Response:
    path = evidence_dir() / name
    if _SAFE.search(name) or name.startswith(".") or not path.is_file():
        raise review.ProgrammeNotFound(name)
    return FileResponse(path, filename=name)
