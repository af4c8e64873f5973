"""The task board: columns by status, or a table with filters, pages and bulk changes.

Thousands of tasks do not fit in columns of cards, so past ``BOARD_LIMIT`` tasks (and on a
phone, app.js) the table is the default; the view is kept in the address (``?view=``) so a link
or a reload shows the same. A bulk change goes through review.bulk: one history and audit entry
per task, in one transaction, each refused task named.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from compliance.formatting import TASK_STATUS_VI
from compliance.messages import message
from compliance.models.followup import ACTIVE_STATUSES, TaskStatus
from compliance.review import bulk, queries
from compliance.web.auth import scope_of
from compliance.web.fields import Code, Id, LocalPath, Name, Note, PageNumber
from compliance.web.filters import TaskFilters, query_string
from compliance.web.menus import forget as forget_menus
from compliance.web.menus import menus as web_menus
from compliance.web.pages import Csrf, Reader, Reviewer, _flash, _page, _safe_next

router = APIRouter(include_in_schema=False)
BOARD_LIMIT = 60  # more active tasks than this: the table is the default view
# The statuses the bulk form offers (a waiver needs an approver and an expiry per task: it is
# decided on the case file), each with the statuses it may follow, for app.js to offer only
# what every selected task can take.
BULK_STATUSES = (TaskStatus.IN_PROGRESS, TaskStatus.OPEN, TaskStatus.DISMISSED)


@router.get("/tasks", response_class=HTMLResponse)
def task_board(
    request: Request,
    account: Reader,
    filters: TaskFilters,
    view: Annotated[Literal["board", "table"] | None, Query()] = None,
    column: Annotated[Code | None, Query(description="Cột đang xem trên điện thoại")] = None,
    page: Annotated[PageNumber, Query()] = 1,
) -> HTMLResponse:
    scope = scope_of(request, account)
    chosen = view
    with request.app.state.engine.connect() as conn:
        table = queries.flagged(conn, scope, filters, page)
        if view is None:
            view = "table" if table.total > BOARD_LIMIT else "board"
        columns = {}
        if view == "board":
            shown = [filters.status] if filters.status in TASK_STATUS_VI else ACTIVE_STATUSES
            for status in shown:
                only = dataclasses.replace(filters, status=str(status))
                columns[str(status)] = queries.flagged(conn, scope, only)
    menus = web_menus(request, scope)
    current = column if column in columns else next(iter(columns), None)
    return _page(
        request,
        "tasks.html",
        account,
        view=view,
        view_chosen=chosen is not None,
        table=table,
        columns=columns,
        current=current,
        filters=filters,
        menus=menus,
        statuses=TASK_STATUS_VI,
        bulk_statuses=[(str(s), bulk.from_statuses(s)) for s in BULK_STATUSES],
        query=query_string(filters),
        column_links={
            s: query_string(dataclasses.replace(filters, status=s), view="table") for s in columns
        },
        here=f"/tasks?{query_string(filters, view=view, page=page if page > 1 else None)}",
    )


@router.post("/tasks/bulk", dependencies=[Csrf])
def bulk_form(
    request: Request,
    account: Reviewer,
    ids: Annotated[list[Id], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    assignee: Annotated[Name, Form()] = "",
    status: Annotated[Name, Form()] = "",
    reason: Annotated[Note, Form()] = "",
    confirmed: Annotated[int, Form(ge=0, le=bulk.MAX_TASKS)] = 0,
    back: Annotated[LocalPath, Form()] = "/tasks",
) -> Response:
    """The table's bulk form: confirmed in the browser with the count (app.js), which the form
    sends back so a change is never made to more tasks than the reviewer agreed to."""
    target = _safe_next(back)
    problem = None
    if not ids:
        problem = message("task.bulk_nothing_chosen")
    elif not assignee.strip() and not status:
        problem = message("task.bulk_no_change")
    elif confirmed != len(set(ids)) or len(set(ids)) > bulk.MAX_TASKS:
        problem = message("task.bulk_unconfirmed", chosen=len(set(ids)))
    if problem is not None:
        _flash(request, problem, "error")
        return RedirectResponse(target, status_code=303)
    forget_menus(request, assignee)  # a new assignee: the menus change
    outcome = bulk.bulk_change(
        request.app.state.engine,
        scope_of(request, account),
        account,
        ids,
        assignee=assignee.strip() or None,
        status=status or None,
        reason=reason.strip() or None,
    )
    _flash(request, bulk.summary(outcome), "error" if outcome.refused else "ok")
    return RedirectResponse(target, status_code=303)
