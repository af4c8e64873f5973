"""The HTML pages: login, dashboard, flagged units, case file, decisions, runs (the task board
is web/board.py)."""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from compliance.accounts import Account, LoginThrottled, authenticate
from compliance.exceptions import RunRefused
from compliance.followup.manage import TaskError, update_task
from compliance.formatting import TASK_STATUS_VI
from compliance.messages import message
from compliance.review import export, grouped, queries, runs
from compliance.review.decisions import decide
from compliance.settings import today
from compliance.web.auth import (
    OPERATORS,
    READERS,
    REVIEWERS,
    case_file_or_refuse,
    check_csrf,
    client_address,
    csrf_token,
    current_account,
    end_session,
    require,
    run_request_or_refuse,
    scope_of,
    start_session,
    task_or_refuse,
)
from compliance.web.fields import (
    Code,
    FormDate,
    Id,
    LocalPath,
    Name,
    Note,
    PageNumber,
    Password,
)
from compliance.web.filters import TaskFilters, UnitSort, query_string
from compliance.web.menus import forget as forget_menus
from compliance.web.menus import menus as web_menus
from compliance.web.render import templates

router = APIRouter(include_in_schema=False)
session_router = APIRouter(tags=["phiên"])  # login and logout: documented, for scripts too
Reader = Annotated[Account, Depends(require(*READERS))]
Reviewer = Annotated[Account, Depends(require(*REVIEWERS))]
Operator = Annotated[Account, Depends(require(*OPERATORS))]
Csrf = Depends(check_csrf)


def _page(request: Request, name: str, account: Account | None, **context: Any) -> HTMLResponse:
    flash = request.session.pop("flash", None) if "session" in request.scope else None
    return templates.TemplateResponse(
        request,
        name,
        {
            "account": account,
            "csrf": csrf_token(request),
            "flash": flash,
            "scope": scope_of(request, account) if account else None,
            "rules": request.app.state.rules,
            "today": today(),
            **context,
        },
    )


def _flash(request: Request, text: str, kind: str = "ok") -> None:
    request.session["flash"] = {"text": text, "kind": kind}


# -- login ------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: Annotated[LocalPath, Query()] = "/") -> HTMLResponse:  # noqa: A002
    return _page(request, "login.html", None, next=_safe_next(next))


def _safe_next(target: str) -> str:
    """Only our own pages: a login link must not send anyone elsewhere."""
    ok = target.startswith("/") and not target.startswith(("//", "/\\"))
    return target if ok else "/"


@session_router.post("/login", summary="Đăng nhập")
def login(
    request: Request,
    username: Annotated[Name, Form()],
    password: Annotated[Password, Form()],
    next: Annotated[LocalPath, Form()] = "/",  # noqa: A002
) -> Response:
    """Đăng nhập bằng tên và mật khẩu; đặt cookie phiên và trả về mã CSRF (JSON) hoặc chuyển
    tới trang `next` (trình duyệt). Sai nhiều lần (theo tên, dù tên có hay không, và theo địa chỉ
    máy) thì bị tạm chặn: trả về 429."""
    browser = "text/html" in request.headers.get("accept", "")
    problem, status, headers, code = None, 401, None, "account.wrong_password"
    try:
        account = authenticate(
            request.app.state.engine, username, password, address=client_address(request)
        )
    except LoginThrottled as exc:
        problem, status, account, code = str(exc), exc.http_status, None, exc.code
        headers = {"Retry-After": str(max(1, exc.until - int(time.time())))}
    if account is None:
        problem = problem or message("account.wrong_password")
        if browser:
            response = _page(request, "login.html", None, next=_safe_next(next), error=problem)
            response.status_code = status
            response.headers.update(headers or {})
            return response
        body = {"detail": problem, "code": code}
        return JSONResponse(body, status_code=status, headers=headers)
    token = start_session(request, account)
    if browser:
        return RedirectResponse(_safe_next(next), status_code=303)
    return JSONResponse(
        {
            "name": account.name,
            "role": account.role.value,
            "scope": account.scope_code,
            "csrf_token": token,
        }
    )


@session_router.post("/logout", dependencies=[Csrf], summary="Đăng xuất")
def logout(request: Request, account: Annotated[Account, Depends(current_account)]) -> Response:
    """Kết thúc phiên: mọi cookie phiên đã cấp cho tài khoản (trên mọi máy) hết hiệu lực."""
    end_session(request, account)
    if "text/html" in request.headers.get("accept", ""):
        return RedirectResponse("/login", status_code=303)
    return Response(status_code=204)


# -- reading ----------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, account: Reader) -> HTMLResponse:
    scope = scope_of(request, account)
    with request.app.state.engine.connect() as conn:
        data = queries.dashboard(conn, scope)
    return _page(request, "dashboard.html", account, data=data)


@router.get("/units", response_class=HTMLResponse)
def flagged_units(
    request: Request,
    account: Reader,
    filters: TaskFilters,
    sort: UnitSort,
    page: Annotated[PageNumber, Query()] = 1,
) -> HTMLResponse:
    """One row per unit with its findings (a co-op with seven tasks is one row), sortable."""
    scope = scope_of(request, account)
    partial = bool(request.headers.get("HX-Request"))  # htmx swaps the table only
    with request.app.state.engine.connect() as conn:
        result = grouped.units_page(conn, scope, filters, sort, page)
    menus = {} if partial else web_menus(request, scope)
    template = "_units_table.html" if partial else "units.html"
    return _page(
        request,
        template,
        account,
        result=result,
        filters=filters,
        sort=sort,
        menus=menus,
        statuses=TASK_STATUS_VI,
        query=query_string(filters),
        sorted_query=query_string(filters, sort=sort.key, dir=sort.key and sort.direction),
    )


_EXPORTS = {
    "csv": ("text/csv; charset=utf-8", export.csv_bytes),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        export.xlsx_bytes,
    ),
}


@router.get("/units/export.{kind}")
def export_units(
    request: Request,
    account: Reader,
    filters: TaskFilters,
    sort: UnitSort,
    kind: Annotated[Literal["csv", "xlsx"], Path()],
) -> Response:
    """Exactly what the list shows under these filters and this order, every page, inside
    the scope: one row per unit."""
    scope = scope_of(request, account)
    media_type, write = _EXPORTS[kind]
    titles = {rule_id: r.rule.title for rule_id, r in request.app.state.rules.items()}
    with request.app.state.engine.connect() as conn:
        units = grouped.all_units(conn, scope, filters, sort)
        content = write(export.unit_rows(units, titles), export.UNIT_HEADERS)
    name = f"don-vi-bi-gan-co-{today():%Y-%m-%d}.{kind}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(content, media_type=media_type, headers=headers)


@router.get("/units/{code}", response_class=HTMLResponse)
def case_file(request: Request, account: Reader, code: Annotated[Code, Path()]) -> HTMLResponse:
    case = case_file_or_refuse(request, account, code)
    return _page(request, "case.html", account, case=case, statuses=TASK_STATUS_VI)


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, account: Reader) -> HTMLResponse:
    scope = scope_of(request, account)
    with request.app.state.engine.connect() as conn:
        entries = queries.audit_log(conn, scope)
    return _page(request, "audit.html", account, entries=entries)


# -- acting -----------------------------------------------------------------------------


@router.post("/tasks/{task_id}/decision", dependencies=[Csrf])
def decision(
    request: Request,
    account: Reviewer,
    task_id: Annotated[Id, Path()],
    decision: Annotated[Name, Form()],
    reason: Annotated[Note, Form()] = "",
    approver: Annotated[Name, Form()] = "",
    until: Annotated[FormDate, Form()] = None,
) -> Response:
    task = task_or_refuse(request, account, task_id)
    try:
        decide(
            request.app.state.engine,
            task_id,
            account,
            decision,
            reason=reason,
            approver=approver,
            until=until,
        )
    except TaskError as exc:  # the case file again, the error at the form, what was typed kept
        typed = {
            "task_id": task_id,
            "decision": decision,
            "reason": reason,
            "approver": approver,
            "until": until.isoformat() if until else "",
            "error": str(exc),
        }
        case = case_file_or_refuse(request, account, task["unit"])
        response = _page(
            request, "case.html", account, case=case, statuses=TASK_STATUS_VI, refused=typed
        )
        response.status_code = 400
        return response
    _flash(request, f"Đã ghi quyết định cho việc #{task_id}.")
    return RedirectResponse(f"/units/{task['unit']}#task-{task_id}", status_code=303)


@router.post("/tasks/{task_id}", dependencies=[Csrf])
def change_task(
    request: Request,
    account: Reviewer,
    task_id: Annotated[Id, Path()],
    assignee: Annotated[Name, Form()] = "",
    status: Annotated[Name, Form()] = "",
    due_on: Annotated[FormDate, Form()] = None,
    back: Annotated[LocalPath, Form()] = "/tasks",
) -> Response:
    task_or_refuse(request, account, task_id)
    try:
        forget_menus(request, assignee)  # a new assignee: the menus change
        update_task(
            request.app.state.engine,
            task_id,
            actor=account.name,
            assignee=assignee.strip() or None,
            status=status or None,
            due_on=due_on,
        )
    except TaskError as exc:
        _flash(request, f"Việc #{task_id}: {exc}", "error")
    else:
        _flash(request, f"Đã cập nhật việc #{task_id}.")
    return RedirectResponse(_safe_next(back), status_code=303)


# -- runs -------------------------------------------------------------------------------


@router.get("/runs", response_class=HTMLResponse)
def runs_page(request: Request, account: Reader) -> HTMLResponse:
    recent = runs.recent_requests(request.app.state.engine, account)
    return _page(request, "runs.html", account, recent=recent)


@router.post("/runs", dependencies=[Csrf])
def run_now(
    request: Request,
    account: Operator,
    as_of: Annotated[FormDate, Form()] = None,
    unit: Annotated[Code, Form()] = "",
    rule: Annotated[Code, Form()] = "",
    province: Annotated[Code, Form()] = "",
    historical: Annotated[bool, Form()] = False,
) -> Response:
    form = {
        "as_of": as_of.isoformat() if as_of else "",
        "unit": unit,
        "rule": rule,
        "province": province,
        "historical": historical,
    }
    try:
        request_id = runs.request_run(
            request.app.state.engine,
            account,
            as_of=as_of,
            unit=unit.strip() or None,
            rule=rule or None,
            province=province.strip() or None,
            historical=historical,
        )
    except RunRefused as exc:  # back to the form, what was typed kept, what to fix said
        return _run_form_again(request, account, form, str(exc))
    return RedirectResponse(f"/runs/{request_id}", status_code=303)


def _run_form_again(
    request: Request, account: Account, form: dict[str, Any], error: str
) -> HTMLResponse:
    recent = runs.recent_requests(request.app.state.engine, account)
    response = _page(request, "runs.html", account, recent=recent, form=form, error=error)
    response.status_code = 400
    return response


@router.get("/runs/{request_id}", response_class=HTMLResponse)
def run_state(request: Request, account: Reader, request_id: Annotated[Id, Path()]) -> HTMLResponse:
    run = run_request_or_refuse(request, account, request_id)
    template = "_run_state.html" if request.headers.get("HX-Request") else "run.html"
    return _page(request, template, account, run=run)
