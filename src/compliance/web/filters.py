"""The task filters a page or an API call reads from its query string, with their limits.

queries.Filters is the filter the queries understand; this is how a request may fill it: every
value bounded (the search box at 200 characters, a LIKE pattern SQLite can run) and storable.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query

from compliance.review import queries
from compliance.rules.model import Family
from compliance.web.fields import Code, Name, Search

# "" is the form's "— tất cả —"; the families themselves come from rules.model.Family.
FamilyChoice = Literal[("", *(str(f) for f in Family))]  # type: ignore[valid-type]


def task_filters(
    rule: Annotated[Code | None, Query()] = None,
    severity: Annotated[Code | None, Query()] = None,
    status: Annotated[
        Code | None, Query(description="Trạng thái việc, hoặc active (mặc định) hay all")
    ] = None,
    province: Annotated[Code | None, Query()] = None,
    assignee: Annotated[Name | None, Query()] = None,
    q: Annotated[
        Search | None, Query(description="Mã số thuế, mã đơn vị hoặc một phần tên")
    ] = None,
    family: Annotated[
        FamilyChoice | None,
        Query(description="compliance | data_quality (lỗi dữ liệu, không phải vi phạm)"),
    ] = None,
) -> queries.Filters:
    return queries.Filters(
        rule=rule,
        severity=severity,
        status=status,
        province=province,
        assignee=assignee,
        q=q,
        family=family or None,  # the form's "— tất cả —" sends an empty value
    )


TaskFilters = Annotated[queries.Filters, Depends(task_filters)]
