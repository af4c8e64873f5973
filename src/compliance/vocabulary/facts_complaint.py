"""Complaints (đơn thư) received by a union."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, false, func, or_
from sqlalchemy.sql import ColumnElement

from compliance.vocabulary.subjects import (
    Context,
    FactType,
    Refs,
    Subject,
    both_known,
    column_fact,
    delivered_at,
    fact,
)

COMPLAINT = Subject(
    "complaint",
    "đơn thư",
    "complaints",
    "id",
    "name",
    owner_table="unions",
    owner_join=("union_code", "code"),
)
for _name in ("received_on", "accepted_on", "resolved_on"):
    column_fact(
        COMPLAINT,
        _name,
        FactType.DATE,
        {
            "received_on": "ngày nhận",
            "accepted_on": "ngày thụ lý",
            "resolved_on": "ngày giải quyết",
        }[_name],
    )


@fact(COMPLAINT, "complex", FactType.BOOL, "vụ việc phức tạp")
def _complex(r: Refs, _c: Context) -> ColumnElement[Any]:
    return func.coalesce(r.row.c.complex, false())


@fact(COMPLAINT, "resolved_by_as_of", FactType.BOOL, "đã giải quyết xong")
def _resolved(r: Refs, c: Context) -> ColumnElement[Any]:
    return and_(r.row.c.resolved_on.is_not(None), r.row.c.resolved_on <= c.as_of)


@fact(COMPLAINT, "dates_out_of_order", FactType.BOOL, "các ngày của đơn thư không theo thứ tự")
def _complaint_dates(r: Refs, _c: Context) -> ColumnElement[Any]:
    k = r.row
    return or_(
        *(
            and_(*both_known(k.c[a], k.c[b]), k.c[b] < k.c[a])
            for a, b in (
                ("received_on", "accepted_on"),
                ("accepted_on", "resolved_on"),
                ("received_on", "resolved_on"),
            )
        )
    )


@fact(COMPLAINT, "dates_delivered_at", FactType.TEXT, "dòng dữ liệu đơn thư bị cảnh báo")
def _complaint_delivered_at(r: Refs, _c: Context) -> ColumnElement[Any]:
    return delivered_at("complaints", ("row.dates_out_of_order",), lambda k: k == r.row.c.id)
