"""The administrators' impact preview (``/admin/preview``): a draft rule pasted or uploaded, the
day judged, a province and parameter overrides; the page shows what ``compliance rules
preview`` prints — the findings the draft would add, remove or change, grouped — and nothing
more. It never writes and never changes the catalogue: the draft lives in a temporary folder
for the length of the request, and the published rules are the ones the server loaded.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from pydantic import AfterValidator, StringConstraints

from compliance.accounts import Account
from compliance.engine.preview import PreviewRefused, catalogues, preview
from compliance.engine.preview_groups import groups, headlines, province_name, sector_name
from compliance.formatting import did_you_mean
from compliance.messages import message
from compliance.models.accounts import Role
from compliance.registry.places import current_provinces
from compliance.rules.loaded import LoadedRule, RulesInvalid
from compliance.rules.validate import load_rules
from compliance.settings import today
from compliance.web.auth import check_csrf, require
from compliance.web.fields import Code, FormDate, Note, storable
from compliance.web.pages import _page

router = APIRouter(include_in_schema=False)
Admin = Annotated[Account, Depends(require(Role.ADMIN))]
# A rule file is a few thousand bytes; the request body (web_max_body_bytes, 64 KB by default)
# bounds a pasted or uploaded draft before this module sees it (413, web.body_too_large).
DraftText = Annotated[str, StringConstraints(max_length=65_536), AfterValidator(storable)]
UNITS_SHOWN = 200  # per group on the page; the command line and its xlsx list every one


@router.get("/admin/preview", response_class=HTMLResponse)
def preview_form(request: Request, account: Admin) -> HTMLResponse:
    return _page(request, "admin_preview.html", account, form={}, errors=[])


@router.post("/admin/preview", dependencies=[Depends(check_csrf)], response_class=HTMLResponse)
def preview_draft(
    request: Request,
    account: Admin,
    as_of: Annotated[FormDate, Form()] = None,
    province: Annotated[Code, Form()] = "",
    draft: Annotated[DraftText, Form()] = "",
    settings: Annotated[Note, Form()] = "",
    draft_file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    day = as_of or today()
    chosen_province = province.strip() or None
    form = {"as_of": day.isoformat(), "province": province, "draft": draft, "settings": settings}
    texts = [("bản dán", draft)] if draft.strip() else []
    errors: list[str] = []
    if draft_file is not None and draft_file.filename:
        content = draft_file.file.read()  # bounded: the whole body is (web_max_body_bytes)
        try:
            texts.append((draft_file.filename, storable(content.decode("utf-8-sig"))))
        except ValueError:  # not UTF-8, or control characters
            errors.append(message("preview.draft_encoding", name=draft_file.filename))
    if chosen_province and chosen_province not in current_provinces():
        errors.append(
            message(
                "preview.unknown_province",
                province=chosen_province,
                suggestion=did_you_mean(chosen_province, current_provinces()),
            )
        )
    lines = [line.strip() for line in settings.splitlines() if line.strip()]
    drafts: list[LoadedRule] = []
    with tempfile.TemporaryDirectory(prefix="ban-nhap-") as folder:
        if not errors:
            drafts, errors = _load_drafts(Path(folder), texts)
        if not errors:
            published = list(request.app.state.rules.values())
            try:
                chosen = catalogues(published, drafts, lines, len(texts))
            except PreviewRefused as exc:
                errors.append(str(exc))
    if errors:
        page = _page(request, "admin_preview.html", account, form=form, errors=errors)
        page.status_code = 400
        return page
    with request.app.state.engine.connect() as conn:
        result = preview(conn, chosen, day, chosen_province)
        found = groups(conn, result)
        conn.rollback()  # a preview only reads
    return _page(
        request,
        "admin_preview.html",
        account,
        form=form,
        errors=[],
        result=result,
        headlines=headlines(result),
        groups=found,
        shown=UNITS_SHOWN,
        province_name=province_name,
        sector_name=sector_name,
    )


def _load_drafts(folder: Path, texts: list[tuple[str, str]]) -> tuple[list[LoadedRule], list[str]]:
    """The drafts checked like any rule file; problems as "tên: dòng N: …" for the page."""
    paths: dict[Path, str] = {}
    for number, (name, text) in enumerate(texts, 1):
        path = folder / f"ban-nhap-{number}.yaml"
        path.write_text(text, encoding="utf-8")
        paths[path] = name
    if not paths:
        return [], []
    try:
        return load_rules(list(paths)), []
    except RulesInvalid as exc:
        return [], [_problem(p, paths) for p in exc.problems]


def _problem(problem: Any, names: dict[Path, str]) -> str:
    name = names.get(Path(problem.file), Path(problem.file).name)
    return f"{name}: dòng {problem.line}: {problem.message}"
