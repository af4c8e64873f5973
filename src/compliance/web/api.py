"""The JSON API: the same reads and acts as the pages, for scripts and other systems.

Login is ``POST /login`` (in pages.py, shared with the browser form); every route here needs
the session cookie, and every state-changing one the ``X-CSRF-Token`` header it returned.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from compliance.accounts import Account
from compliance.followup.manage import TaskError, update_task
from compliance.review import bulk, casefile, grouped, queries, runs
from compliance.review.decisions import Decision, decide
from compliance.rules.model import Family
from compliance.web.auth import (
    OPERATORS,
    READERS,
    REVIEWERS,
    case_file_or_refuse,
    check_csrf,
    require,
    run_request_or_refuse,
    scope_of,
    task_or_refuse,
)
from compliance.web.fields import Code, Id, Name, Note, PageNumber
from compliance.web.filters import TaskFilters, UnitSort
from compliance.web.menus import MENU_TTL, menus
from compliance.web.menus import forget as forget_menus

router = APIRouter(prefix="/api", tags=["api"])
Reader = Annotated[Account, Depends(require(*READERS))]
Reviewer = Annotated[Account, Depends(require(*REVIEWERS))]
Operator = Annotated[Account, Depends(require(*OPERATORS))]
Csrf = [Depends(check_csrf)]


class DecisionIn(BaseModel):
    decision: Decision
    reason: Note = ""
    approver: Name = Field(default="", description="Người phê duyệt (bắt buộc khi miễn trừ).")
    until: dt.date | None = Field(default=None, description="Miễn trừ đến ngày (sau hôm nay).")


class TaskEdit(BaseModel):
    assignee: Name | None = None
    status: Name | None = Field(default=None, description="open, in_progress, waived, dismissed")
    due_on: dt.date | None = None
    reason: Note | None = None


class BulkIn(BaseModel):
    ids: list[Id] = Field(min_length=1, max_length=bulk.MAX_TASKS, description="Số các việc")
    assignee: Name | None = Field(default=None, description="Giao cho (mã cơ quan hoặc tên)")
    status: Name | None = Field(default=None, description="open, in_progress, waived, dismissed")
    reason: Note | None = None
    approver: Name | None = None
    until: dt.date | None = None


class RunIn(BaseModel):
    as_of: dt.date | None = None
    unit: Code | None = None
    rule: Code | None = None
    province: Code | None = None
    historical: bool = False  # an earlier day than the latest whole run's: findings only


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}


@router.get("/me", summary="Tài khoản đang đăng nhập")
def me(account: Reader) -> dict[str, Any]:
    return {"name": account.name, "role": account.role.value, "scope": account.scope_code}


@router.get("/dashboard", summary="Tổng quan: việc theo quy tắc, mức độ, tỉnh; xu hướng")
def dashboard(request: Request, account: Reader) -> dict[str, Any]:
    scope = scope_of(request, account)
    with request.app.state.engine.connect() as conn:
        return queries.dashboard(conn, scope)


@router.get("/findings", summary="Phát hiện của lần chạy toàn bộ gần nhất, trong phạm vi")
def findings(
    request: Request,
    account: Reader,
    rule: Annotated[Code | None, Query()] = None,
    status: Annotated[Code | None, Query(description="violation | at_risk")] = None,
    province: Annotated[Code | None, Query()] = None,
    family: Annotated[
        Family | None,
        Query(description="compliance | data_quality (lỗi dữ liệu, không phải vi phạm)"),
    ] = None,
    page: Annotated[PageNumber, Query()] = 1,
) -> dict[str, Any]:
    scope = scope_of(request, account)
    with request.app.state.engine.connect() as conn:
        result = queries.findings_page(
            conn, scope, rule=rule, status=status, province=province, family=family, page=page
        )
    result["items"] = [_jsonable(r) for r in result["items"]]
    return _jsonable(result)


@router.get("/units/{code}", summary="Hồ sơ một đơn vị (403/404 ngoài phạm vi)")
def unit(request: Request, account: Reader, code: Annotated[Code, Path()]) -> dict[str, Any]:
    case = case_file_or_refuse(request, account, code)
    case["registry"] = _jsonable(case["registry"])
    case["findings"] = [_jsonable(f) for f in case["findings"]]
    case["audit"] = [_jsonable(a) for a in case["audit"]]
    case["events"] = [_jsonable(e) for e in case["events"]]
    for task in case["tasks"]:
        task["events"] = [_jsonable(e) for e in task["events"]]
    case["tasks"] = [_jsonable(t) for t in case["tasks"]]
    return case


@router.get("/tasks", summary="Việc cần theo dõi, có lọc và phân trang")
def tasks(
    request: Request,
    account: Reader,
    filters: TaskFilters,
    page: Annotated[PageNumber, Query()] = 1,
) -> dict[str, Any]:
    scope = scope_of(request, account)
    with request.app.state.engine.connect() as conn:
        result = queries.flagged(conn, scope, filters, page)
    return {
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "items": [_jsonable(r) for r in result.rows],
    }


@router.get("/units", summary="Đơn vị bị gắn cờ: mỗi đơn vị một dòng, có lọc, sắp xếp, phân trang")
def units(
    request: Request,
    account: Reader,
    filters: TaskFilters,
    sort: UnitSort,
    page: Annotated[PageNumber, Query()] = 1,
) -> dict[str, Any]:
    scope = scope_of(request, account)
    with request.app.state.engine.connect() as conn:
        result = grouped.units_page(conn, scope, filters, sort, page)
    return {
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "items": [_jsonable(r.as_dict()) for r in result.rows],  # type: ignore[attr-defined]
    }


@router.post(
    "/tasks/bulk",
    dependencies=Csrf,
    summary="Giao việc hoặc đổi trạng thái nhiều việc một lần",
)
def bulk_change(request: Request, account: Reviewer, body: BulkIn) -> dict[str, Any]:
    """Mỗi việc qua cùng đường với một thay đổi đơn lẻ (một mục nhật ký mỗi việc), tất cả trong
    một giao dịch. Việc không đổi được (ngoài phạm vi, chuyển trạng thái không hợp lệ…) được
    nêu tên kèm lý do trong `refused`; các việc khác vẫn đổi."""
    if body.assignee is None and body.status is None:
        raise TaskError("task.bulk_no_change")
    forget_menus(request, body.assignee)  # a new assignee: the menus change
    outcome = bulk.bulk_change(
        request.app.state.engine,
        scope_of(request, account),
        account,
        body.ids,
        assignee=body.assignee,
        status=body.status,
        reason=body.reason,
        approver=body.approver,
        until=body.until,
    )
    return outcome.as_dict() | {"summary": bulk.summary(outcome)}


@router.get("/choices/assignees", summary="Người và cơ quan được giao việc (gợi ý khi gõ)")
def assignees(request: Request, account: Reader) -> JSONResponse:
    """Những người và cơ quan được giao việc trong phạm vi của tài khoản: tên hiển thị và mã."""
    found = menus(request, scope_of(request, account))["assignees"]
    return JSONResponse(
        [{"value": value, "label": shown} for value, shown in found],
        headers={"Cache-Control": f"private, max-age={int(MENU_TTL)}"},
    )


@router.get("/tasks/{task_id}", summary="Một việc")
def task(request: Request, account: Reader, task_id: Annotated[Id, Path()]) -> dict[str, Any]:
    return _jsonable(task_or_refuse(request, account, task_id))


@router.patch("/tasks/{task_id}", dependencies=Csrf, summary="Giao việc, đổi trạng thái, hạn")
def change_task(
    request: Request, account: Reviewer, task_id: Annotated[Id, Path()], change: TaskEdit
) -> dict[str, Any]:
    task_or_refuse(request, account, task_id)
    forget_menus(request, change.assignee)  # a new assignee: the menus change
    row = update_task(
        request.app.state.engine,
        task_id,
        actor=account.name,
        assignee=change.assignee,
        status=change.status,
        due_on=change.due_on,
        reason=change.reason,
    )
    return _jsonable(dict(row._mapping))


@router.post(
    "/tasks/{task_id}/decision", dependencies=Csrf, summary="Xác nhận, bác bỏ hoặc miễn trừ"
)
def decision(
    request: Request, account: Reviewer, task_id: Annotated[Id, Path()], body: DecisionIn
) -> dict[str, Any]:
    task_or_refuse(request, account, task_id)
    row = decide(
        request.app.state.engine,
        task_id,
        account,
        body.decision,
        reason=body.reason,
        approver=body.approver,
        until=body.until,
    )
    return _jsonable(dict(row._mapping))


@router.get("/decisions", summary="Nhật ký quyết định và thay đổi (chỉ thêm, không sửa)")
def decisions(
    request: Request, account: Reader, unit: Annotated[Code | None, Query()] = None
) -> list[dict[str, Any]]:
    scope = scope_of(request, account)
    with request.app.state.engine.connect() as conn:
        if unit is not None:
            if not scope.contains(conn, unit):
                raise HTTPException(403, f"Đơn vị {unit} nằm ngoài phạm vi của bạn.")
            entries = casefile.unit_audit(conn, scope, unit)
        else:
            entries = queries.audit_log(conn, scope)
    return [_jsonable(e) for e in entries]


@router.post("/runs", dependencies=Csrf, status_code=202, summary="Chạy kiểm tra ngay")
def run_now(request: Request, account: Operator, body: RunIn) -> dict[str, Any]:
    request_id = runs.request_run(
        request.app.state.engine,
        account,
        as_of=body.as_of,
        unit=body.unit,
        rule=body.rule,
        province=body.province,
        historical=body.historical,
    )
    return {"id": request_id, "status": "queued"}


@router.get("/runs/{request_id}", summary="Trạng thái một yêu cầu chạy")
def run_state(
    request: Request, account: Reader, request_id: Annotated[Id, Path()]
) -> dict[str, Any]:
    run = run_request_or_refuse(request, account, request_id)
    return _jsonable(run)
