"""Chair elections of grassroots unions and the new chair's training."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_
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

CHAIR_ELECTION = Subject(
    "chair_election",
    "lần bầu chủ tịch công đoàn cơ sở",
    "chair_elections",
    "id",
    "name",
    owner_table="unions",
    owner_join=("union_code", "code"),
)
column_fact(CHAIR_ELECTION, "elected_on", FactType.DATE, "ngày bầu")
column_fact(CHAIR_ELECTION, "trained_on", FactType.DATE, "ngày được tập huấn")


@fact(CHAIR_ELECTION, "trained_by_as_of", FactType.BOOL, "đã được tập huấn")
def _trained(r: Refs, c: Context) -> ColumnElement[Any]:
    return and_(r.row.c.trained_on.is_not(None), r.row.c.trained_on <= c.as_of)


@fact(CHAIR_ELECTION, "trained_before_elected", FactType.BOOL, "ngày tập huấn sớm hơn ngày bầu")
def _trained_before_elected(r: Refs, _c: Context) -> ColumnElement[Any]:
    x = r.row
    return and_(*both_known(x.c.elected_on, x.c.trained_on), x.c.trained_on < x.c.elected_on)


@fact(CHAIR_ELECTION, "dates_delivered_at", FactType.TEXT, "dòng dữ liệu bầu chủ tịch bị cảnh báo")
def _chair_delivered_at(r: Refs, _c: Context) -> ColumnElement[Any]:
    return delivered_at("chair_elections", ("row.dates_out_of_order",), lambda k: k == r.row.c.id)
