"""Unions (công đoàn): their columns, ratings and data quality.

Counts of acts (reviews, self-inspections, party introductions) are no longer Python: the rules
that use them define them (``facts:``, compiled by ``vocabulary.defined``). What stays here is
what that vocabulary cannot say (docs/authoring.md lists it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists
from sqlalchemy.sql import ColumnElement

from compliance.vocabulary.subjects import (
    Context,
    FactBuilder,
    FactType,
    Refs,
    Subject,
    both_known,
    column_fact,
    delivered_at,
    fact,
    registry_table,
)

UNION = Subject("union", "công đoàn", "unions", "code", "name", has_kind=True)
for _name, _type, _label in (
    ("kind", FactType.TEXT, "loại công đoàn"),
    ("members", FactType.INT, "số đoàn viên"),
    ("female_members", FactType.INT, "số đoàn viên nữ"),
    ("has_womens_committee", FactType.BOOL, "có Ban Nữ công"),
    ("founded_on", FactType.DATE, "ngày thành lập"),
    ("dissolved_on", FactType.DATE, "ngày giải thể"),
):
    column_fact(UNION, _name, _type, _label)


@fact(UNION, "rated_for_period_year", FactType.BOOL, "đã được xếp loại năm của kỳ", period=True)
def _rated(r: Refs, c: Context) -> ColumnElement[Any]:
    t = registry_table("ratings").alias()
    return exists().where(t.c.union_code == r.row.c.code, t.c.year == c.require_period().year)


@fact(UNION, "female_members_exceed_members", FactType.BOOL, "số đoàn viên nữ lớn hơn tổng số")
def _female_members_exceed(r: Refs, _c: Context) -> ColumnElement[Any]:
    u = r.row
    return and_(*both_known(u.c.female_members, u.c.members), u.c.female_members > u.c.members)


@fact(UNION, "dissolved_before_founded", FactType.BOOL, "ngày giải thể sớm hơn ngày thành lập")
def _dissolved_before_founded(r: Refs, _c: Context) -> ColumnElement[Any]:
    u = r.row
    return and_(*both_known(u.c.founded_on, u.c.dissolved_on), u.c.dissolved_on < u.c.founded_on)


@fact(
    UNION,
    "enterprise_on_non_grassroots",
    FactType.BOOL,
    "công đoàn không phải cơ sở nhưng gắn mã số thuế doanh nghiệp",
)
def _enterprise_on_non_grassroots(r: Refs, _c: Context) -> ColumnElement[Any]:
    u = r.row
    return and_(*both_known(u.c.enterprise_tax_code, u.c.kind), u.c.kind != "grassroots_union")


def _union_delivered_at(code: str) -> FactBuilder:
    def build(r: Refs, _c: Context) -> ColumnElement[Any]:
        return delivered_at("unions", (code,), lambda k: k == r.row.c.code)

    return build


for _name, _code in (
    ("members_delivered_at", "row.part_exceeds_whole"),
    ("dates_delivered_at", "row.dates_out_of_order"),
    ("enterprise_link_delivered_at", "row.not_grassroots"),
):
    fact(UNION, _name, FactType.TEXT, "dòng dữ liệu công đoàn bị cảnh báo")(
        _union_delivered_at(_code)
    )
