"""The task filters a page or an API call reads from its query string, with their limits.

queries.Filters is the filter the queries understand; this is how a request may fill it: every
value bounded (the search box at 200 characters, a LIKE pattern SQLite can run) and storable.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import Depends, Query

from compliance.review import queries
from compliance.review.grouped import Direction, Sort, SortKey
from compliance.rules.model import Family
from compliance.web.fields import Code, FormDate, Name, Search

# "" is the form's "— tất cả —"; the families themselves come from rules.model.Family.
FamilyChoice = Literal[("", *(str(f) for f in Family))]  # type: ignore[valid-type]


def task_filters(
    rule: Annotated[Code | None, Query()] = None,
    severity: Annotated[Code | None, Query()] = None,
    status: Annotated[
        Code | None, Query(description="Trạng thái việc, hoặc active (mặc định) hay all")
    ] = None,
    province: Annotated[Code | None, Query()] = None,
    assignee: Annotated[
        Name | None, Query(description="Mã hoặc tên (đầy đủ, không cần dấu) của người phụ trách")
    ] = None,
    q: Annotated[
        Search | None, Query(description="Mã số thuế, mã đơn vị hoặc một phần tên")
    ] = None,
    family: Annotated[
        FamilyChoice | None,
        Query(description="compliance | data_quality (lỗi dữ liệu, không phải vi phạm)"),
    ] = None,
    overdue: Annotated[bool, Query(description="Chỉ việc đang mở đã quá hạn")] = False,
    due_before: Annotated[FormDate, Query(description="Hạn xử lý trước ngày (NNNN-TT-NN)")] = None,
) -> queries.Filters:
    return queries.Filters(
        rule=rule,
        severity=severity,
        status=status,
        province=province,
        assignee=assignee.strip() if assignee and assignee.strip() else None,
        q=q,
        family=family or None,  # the form's "— tất cả —" sends an empty value
        overdue=overdue,
        due_before=due_before,
    )


TaskFilters = Annotated[queries.Filters, Depends(task_filters)]


def unit_sort(
    sort: Annotated[SortKey | None, Query(description="Cột sắp xếp")] = None,
    dir: Annotated[Direction, Query(description="asc | desc")] = "asc",  # noqa: A002
) -> Sort:
    return Sort(sort, dir)


UnitSort = Annotated[Sort, Depends(unit_sort)]


def query_string(filters: queries.Filters, **extra: Any) -> str:
    """The filters (and ``extra``) as a query string, for links that keep them: pages, sorted
    columns, exports, views. Empty values are left out."""
    values: dict[str, Any] = {}
    for key, value in (*vars(filters).items(), *extra.items()):
        if value is None or value is False or value == "":
            continue
        if value is True:
            value = "1"
        elif isinstance(value, dt.date):
            value = value.isoformat()
        values[key] = value
    return urlencode(values)
