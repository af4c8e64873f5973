"""The HTML pages: login, dashboard, flagged units, case file, decisions, task board, runs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from compliance.accounts import Account, LoginThrottled, authenticate
from compliance.exceptions import RunRefused
from compliance.followup.manage import TaskError, update_task
from compliance.models.followup import STATUS_VI, TaskStatus
from compliance.review import queries, runs
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
    require,
    run_request_or_refuse,
    scope_of,
    start_session,
    task_or_refuse,
)
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
def login_form(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002
    return _page(request, "login.html", None, next=_safe_next(next))


def _safe_next(target: str) -> str:
    """Only our own pages: a login link must not send anyone elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@session_router.post("/login", summary="Đăng nhập")
def login(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",  # noqa: A002
) -> Response:
    """Đăng nhập bằng tên và mật khẩu; đặt cookie phiên và trả về mã CSRF (JSON) hoặc chuyển
    tới trang `next` (trình duyệt)."""
    browser = "text/html" in request.headers.get("accept", "")
    throttle = request.app.state.throttle
    address = client_address(request)
    problem, status = None, 401
    if throttle.blocked(address):
        problem, status = "Đăng nhập sai quá nhiều lần từ máy này; hãy thử lại sau ít phút.", 429
    else:
        try:
            account = authenticate(request.app.state.engine, username, password)
        except LoginThrottled as exc:
            problem, status, account = str(exc), 429, None
        if account is None and problem is None:
            throttle.failed(address)
            problem = "Tên đăng nhập hoặc mật khẩu không đúng."
    if problem is not None:
        if browser:
            response = _page(request, "login.html", None, next=_safe_next(next), error=problem)
            response.status_code = status
            return response
        return JSONResponse({"detail": problem}, status_code=status)
    assert account is not None
    throttle.succeeded(address)
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
def logout(request: Request) -> Response:
    """Kết thúc phiên."""
    request.session.clear()
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
    filters: Annotated[queries.Filters, Depends()],
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    scope = scope_of(request, account)
    partial = bool(request.headers.get("HX-Request"))  # htmx swaps the table only
    with request.app.state.engine.connect() as conn:
        result = queries.flagged(conn, scope, filters, page)
        menus = {} if partial else queries.choices(conn, scope)
    template = "_units_table.html" if partial else "units.html"
    query = {k: v for k, v in vars(filters).items() if v}
    return _page(
        request,
        template,
        account,
        result=result,
        filters=filters,
        menus=menus,
        statuses=STATUS_VI,
        query=urlencode(query),
    )


@router.get("/units/{code}", response_class=HTMLResponse)
def case_file(request: Request, account: Reader, code: str) -> HTMLResponse:
    case = case_file_or_refuse(request, account, code)
    return _page(request, "case.html", account, case=case, statuses=STATUS_VI)


@router.get("/tasks", response_class=HTMLResponse)
def task_board(request: Request, account: Reader) -> HTMLResponse:
    scope = scope_of(request, account)
    columns = {}
    with request.app.state.engine.connect() as conn:
        for status in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.ESCALATED):
            columns[status] = queries.flagged(conn, scope, queries.Filters(status=status))
    return _page(request, "tasks.html", account, columns=columns, statuses=STATUS_VI)


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
    task_id: int,
    decision: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
    approver: Annotated[str, Form()] = "",
    until: Annotated[str, Form()] = "",
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
    except TaskError as exc:  # back to the form, with what to fix
        _flash(request, f"Việc #{task_id}: {exc}", "error")
    else:
        _flash(request, f"Đã ghi quyết định cho việc #{task_id}.")
    return RedirectResponse(f"/units/{task['unit']}#task-{task_id}", status_code=303)


@router.post("/tasks/{task_id}", dependencies=[Csrf])
def change_task(
    request: Request,
    account: Reviewer,
    task_id: int,
    assignee: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "",
    due_on: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "/tasks",
) -> Response:
    task_or_refuse(request, account, task_id)
    try:
        update_task(
            request.app.state.engine,
            task_id,
            actor=account.name,
            assignee=assignee.strip() or None,
            status=status or None,
            due_on=dt.date.fromisoformat(due_on) if due_on else None,
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
    as_of: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "",
    rule: Annotated[str, Form()] = "",
    province: Annotated[str, Form()] = "",
    historical: Annotated[bool, Form()] = False,
) -> Response:
    form = {"as_of": as_of, "unit": unit, "rule": rule, "province": province}
    form["historical"] = historical
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        error = f"Ngày xét '{as_of}' không hợp lệ; hãy chọn ngày theo dạng NNNN-TT-NN."
        return _run_form_again(request, account, form, error)
    try:
        request_id = runs.request_run(
            request.app.state.engine,
            account,
            as_of=day,
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
def run_state(request: Request, account: Reader, request_id: int) -> HTMLResponse:
    run = run_request_or_refuse(request, account, request_id)
    template = "_run_state.html" if request.headers.get("HX-Request") else "run.html"
    return _page(request, template, account, run=run)
