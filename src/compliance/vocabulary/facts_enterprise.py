"""Enterprises (doanh nghiệp): their columns, their union and agreements (conferences are counted
by the rules that need them, with `facts:`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, and_, exists, func, literal, or_, select
from sqlalchemy.sql import ColumnElement, FromClause

from compliance.vocabulary.subjects import (
    FAR_FUTURE,
    Context,
    FactType,
    Refs,
    Subject,
    both_known,
    column_fact,
    delivered_at,
    fact,
    grassroots_of,
    period_bounds,
    registry_table,
    union_active,
)

ENTERPRISE = Subject("enterprise", "doanh nghiệp", "enterprises", "tax_code", "name")
for _name, _type, _label in (
    ("workers", FactType.INT, "số lao động"),
    ("female_workers", FactType.INT, "số lao động nữ"),
    ("sector", FactType.TEXT, "khu vực"),
    ("status", FactType.TEXT, "trạng thái"),
    ("registered_on", FactType.DATE, "ngày đăng ký"),
):
    column_fact(ENTERPRISE, _name, _type, _label)


def _unions_of(e: FromClause) -> Any:
    u = registry_table("unions").alias()
    return u, grassroots_of(u, e.c.tax_code)


@fact(ENTERPRISE, "has_active_grassroots_union", FactType.BOOL, "có công đoàn cơ sở đang hoạt động")
def _has_active_union(r: Refs, c: Context) -> ColumnElement[Any]:
    u, linked = _unions_of(r.row)
    return exists().where(linked, union_active(u, c.as_of))


@fact(
    ENTERPRISE,
    "grassroots_union_active_whole_period",
    FactType.BOOL,
    "có công đoàn cơ sở hoạt động suốt kỳ",
    period=True,
)
def _union_whole_period(r: Refs, c: Context) -> ColumnElement[Any]:
    u, linked = _unions_of(r.row)
    start, end = period_bounds(c)
    return exists().where(linked, union_active(u, start), union_active(u, end))


def _agreements_in_force(e: FromClause, day: dt.date) -> tuple[Any, ColumnElement[bool]]:
    a = registry_table("agreements").alias()
    return a, and_(
        a.c.enterprise_tax_code == e.c.tax_code,
        or_(a.c.signed_on.is_(None), a.c.signed_on <= day),
        or_(a.c.expires_on.is_(None), a.c.expires_on >= day),
    )


@fact(ENTERPRISE, "agreement_in_force", FactType.BOOL, "có thỏa ước lao động tập thể còn hiệu lực")
def _agreement_in_force(r: Refs, c: Context) -> ColumnElement[Any]:
    _a, where = _agreements_in_force(r.row, c.as_of)
    return exists().where(where)


@fact(ENTERPRISE, "agreement_in_force_until", FactType.DATE, "thỏa ước đang có hiệu lực đến ngày")
def _agreement_until(r: Refs, c: Context) -> ColumnElement[Any]:
    """The latest expiry among agreements in force; an open-ended agreement never expires."""
    a, where = _agreements_in_force(r.row, c.as_of)
    latest = func.max(func.coalesce(a.c.expires_on, literal(FAR_FUTURE, Date)))
    return select(latest).select_from(a).where(where).scalar_subquery()


@fact(ENTERPRISE, "female_workers_exceed_workers", FactType.BOOL, "số lao động nữ lớn hơn tổng số")
def _female_workers_exceed(r: Refs, _c: Context) -> ColumnElement[Any]:
    e = r.row
    return and_(*both_known(e.c.female_workers, e.c.workers), e.c.female_workers > e.c.workers)


@fact(ENTERPRISE, "workers_delivered_at", FactType.TEXT, "dòng dữ liệu doanh nghiệp bị cảnh báo")
def _workers_delivered_at(r: Refs, _c: Context) -> ColumnElement[Any]:
    return delivered_at("enterprises", ("row.part_exceeds_whole",), lambda k: k == r.row.c.tax_code)


def _inverted_agreements(e: FromClause) -> tuple[Any, ColumnElement[bool]]:
    a = registry_table("agreements").alias()
    return a, and_(
        a.c.enterprise_tax_code == e.c.tax_code,
        *both_known(a.c.signed_on, a.c.expires_on),
        a.c.expires_on < a.c.signed_on,
    )


@fact(
    ENTERPRISE,
    "agreements_expiring_before_signed",
    FactType.INT,
    "số thỏa ước có ngày hết hạn trước ngày ký",
)
def _agreements_inverted(r: Refs, _c: Context) -> ColumnElement[Any]:
    a, where = _inverted_agreements(r.row)
    return select(func.count()).select_from(a).where(where).scalar_subquery()


@fact(ENTERPRISE, "agreement_delivered_at", FactType.TEXT, "dòng dữ liệu thỏa ước bị cảnh báo")
def _agreement_delivered_at(r: Refs, _c: Context) -> ColumnElement[Any]:
    a, where = _inverted_agreements(r.row)
    ids = select(a.c.id).where(where)
    return delivered_at("agreements", ("row.dates_out_of_order",), lambda k: k.in_(ids))
