"""The facts a rule can ask about a unit, each one a SQL expression over the registry.

A rule's condition names facts (``workers``, ``has_active_grassroots_union``); this module says
what each fact means, once, as a correlated SQL expression. Bulk evaluation selects them for a
whole province in one statement; single-unit evaluation selects them for one unit and hands them
to durable-rules. Both read the same expressions, so a fact cannot mean two things.

A subject is what a rule is about (an enterprise, a union, a complaint, a fee payment, a chair
election); its facts may depend on the "as of" day ``D`` and on the judged period ``[P0, P1]``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    Float,
    Integer,
    String,
    and_,
    cast,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.sql import FromClause

from compliance.engine.periods import Period
from compliance.models.registry import SQLModel

FAR_FUTURE = dt.date(9999, 12, 31)


def _t(name: str) -> Any:
    return SQLModel.metadata.tables[name]


class FactType(StrEnum):
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    DATE = "date"
    TEXT = "text"


_SQL_TYPES = {
    FactType.INT: Integer,
    FactType.FLOAT: Float,
    FactType.BOOL: Boolean,
    FactType.DATE: Date,
    FactType.TEXT: String,
}


@dataclass(frozen=True)
class Context:
    """What a fact may depend on besides the unit: the day judged and the period judged."""

    as_of: dt.date
    period: Period | None = None

    def require_period(self) -> Period:
        if self.period is None:
            raise ValueError("this fact is about a period; the rule has none")
        return self.period


@dataclass(frozen=True)
class Refs:
    """The aliases a subject's query joins: the subject row and, for event subjects, its owner."""

    row: FromClause
    owner: FromClause | None = None


FactBuilder = Callable[[Refs, Context], ColumnElement[Any]]


@dataclass(frozen=True)
class Fact:
    name: str
    type: FactType
    label_vi: str
    build: FactBuilder
    needs_period: bool = False

    def expression(self, refs: Refs, context: Context) -> ColumnElement[Any]:
        return type_coerce(self.build(refs, context), _SQL_TYPES[self.type]).label(self.name)


class Activity(StrEnum):
    """Which units owe an obligation at all (registry-format.md, "When a unit owes")."""

    ANY = "any"  # every row
    AS_OF = "as_of"  # active on D
    WHOLE_PERIOD = "whole_period"  # active on the first and on the last day of the period


@dataclass(frozen=True)
class Subject:
    name: str
    label_vi: str
    table: str
    code_column: str
    name_column: str  # on the owner when there is one
    owner_table: str | None = None
    owner_join: tuple[str, str] | None = None  # (row column, owner column)
    has_kind: bool = False
    row_period: str | None = None  # a column that is the finding's period (fee_payments.period)
    facts: dict[str, Fact] = field(default_factory=dict)

    def refs(self) -> Refs:
        row = _t(self.table).alias("s")
        owner = _t(self.owner_table).alias("o") if self.owner_table else None
        return Refs(row, owner)

    def from_clause(self, refs: Refs) -> FromClause:
        if refs.owner is None or self.owner_join is None:
            return refs.row
        left, right = self.owner_join
        return refs.row.join(refs.owner, refs.row.c[left] == refs.owner.c[right])

    def code(self, refs: Refs) -> ColumnElement[Any]:
        return refs.row.c[self.code_column]

    def display_name(self, refs: Refs) -> ColumnElement[Any]:
        source = refs.owner if refs.owner is not None else refs.row
        return source.c[self.name_column]

    def province(self, refs: Refs) -> ColumnElement[Any]:
        source = refs.owner if refs.owner is not None else refs.row
        return source.c["province_code"]

    def active(self, refs: Refs, mode: Activity, context: Context) -> ColumnElement[bool]:
        if mode is Activity.ANY:
            return true()
        days = (context.as_of,) if mode is Activity.AS_OF else _bounds(context)
        check = enterprise_active if self.table == "enterprises" else union_active
        if self.table not in ("enterprises", "unions"):
            return true()
        return and_(*(check(refs.row, day) for day in days))


def _bounds(context: Context) -> tuple[dt.date, dt.date]:
    period = context.require_period()
    return period.start, period.end


def enterprise_active(e: FromClause, day: dt.date) -> ColumnElement[bool]:
    return and_(e.c.status == "active", or_(e.c.registered_on.is_(None), e.c.registered_on <= day))


def union_active(u: FromClause, day: dt.date) -> ColumnElement[bool]:
    return and_(
        or_(u.c.founded_on.is_(None), u.c.founded_on <= day),
        or_(u.c.dissolved_on.is_(None), u.c.dissolved_on > day),
    )


def _in_period(column: ColumnElement[Any], context: Context) -> ColumnElement[bool]:
    start, end = _bounds(context)
    return and_(column >= start, column <= end)


def _count(table: str, where: Callable[[Any], ColumnElement[bool]]) -> ColumnElement[int]:
    t = _t(table).alias()
    return select(func.count()).select_from(t).where(where(t)).scalar_subquery()


SUBJECTS: dict[str, Subject] = {}


def subject(name: str) -> Subject:
    return SUBJECTS[name]


def _register(subject_: Subject) -> Subject:
    SUBJECTS[subject_.name] = subject_
    return subject_


def fact(
    subject_: Subject, name: str, type_: FactType, label_vi: str, *, period: bool = False
) -> Callable[[FactBuilder], FactBuilder]:
    """Register a fact of ``subject_``; its builder returns a SQL expression."""

    def register(build: FactBuilder) -> FactBuilder:
        subject_.facts[name] = Fact(name, type_, label_vi, build, needs_period=period)
        return build

    return register


def column_fact(subject_: Subject, name: str, type_: FactType, label_vi: str) -> None:
    fact(subject_, name, type_, label_vi)(lambda r, _c: r.row.c[name])


# Enterprises ---------------------------------------------------------------------------------

ENTERPRISE = _register(Subject("enterprise", "doanh nghiệp", "enterprises", "tax_code", "name"))
for _name, _type, _label in (
    ("workers", FactType.INT, "số lao động"),
    ("female_workers", FactType.INT, "số lao động nữ"),
    ("sector", FactType.TEXT, "khu vực"),
    ("status", FactType.TEXT, "trạng thái"),
    ("registered_on", FactType.DATE, "ngày đăng ký"),
):
    column_fact(ENTERPRISE, _name, _type, _label)


def grassroots_of(u: FromClause, tax_code: ColumnElement[Any]) -> ColumnElement[bool]:
    """``u`` is the grassroots union of the enterprise ``tax_code``: only a grassroots union (or
    one of unknown kind) stands for an enterprise; another kind carrying a tax code is a
    data-quality finding (data_quality.union_enterprise_link), not the enterprise's union."""
    return and_(
        u.c.enterprise_tax_code == tax_code,
        or_(u.c.kind.is_(None), u.c.kind == "grassroots_union"),
    )


def _unions_of(e: FromClause) -> Any:
    u = _t("unions").alias()
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
    start, end = _bounds(c)
    return exists().where(linked, union_active(u, start), union_active(u, end))


def _conferences(kind: str) -> FactBuilder:
    def build(r: Refs, c: Context) -> ColumnElement[Any]:
        return _count(
            "conferences",
            lambda t: and_(
                t.c.enterprise_tax_code == r.row.c.tax_code,
                t.c.kind == kind,
                _in_period(t.c.date, c),
            ),
        )

    return build


fact(
    ENTERPRISE,
    "workers_conferences_in_period",
    FactType.INT,
    "số hội nghị người lao động trong kỳ",
    period=True,
)(_conferences("workers_conference"))
fact(ENTERPRISE, "dialogues_in_period", FactType.INT, "số cuộc đối thoại trong kỳ", period=True)(
    _conferences("dialogue")
)


def _agreements_in_force(e: FromClause, day: dt.date) -> tuple[Any, ColumnElement[bool]]:
    a = _t("agreements").alias()
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


# Unions --------------------------------------------------------------------------------------

UNION = _register(Subject("union", "công đoàn", "unions", "code", "name", has_kind=True))
for _name, _type, _label in (
    ("kind", FactType.TEXT, "loại công đoàn"),
    ("members", FactType.INT, "số đoàn viên"),
    ("female_members", FactType.INT, "số đoàn viên nữ"),
    ("has_womens_committee", FactType.BOOL, "có Ban Nữ công"),
    ("founded_on", FactType.DATE, "ngày thành lập"),
    ("dissolved_on", FactType.DATE, "ngày giải thể"),
):
    column_fact(UNION, _name, _type, _label)


@fact(UNION, "reviews_in_period", FactType.INT, "số buổi làm việc trong kỳ", period=True)
def _reviews(r: Refs, c: Context) -> ColumnElement[Any]:
    return _count(
        "reviews", lambda t: and_(t.c.union_code == r.row.c.code, _in_period(t.c.date, c))
    )


@fact(
    UNION,
    "finance_self_inspections_in_period",
    FactType.INT,
    "số lần tự kiểm tra tài chính cùng cấp trong kỳ",
    period=True,
)
def _self_inspections(r: Refs, c: Context) -> ColumnElement[Any]:
    return _count(
        "inspections",
        lambda t: and_(
            t.c.target_code == r.row.c.code,
            t.c.inspector_code == r.row.c.code,
            t.c.kind == "finance",
            _in_period(t.c.date, c),
        ),
    )


@fact(UNION, "rated_for_period_year", FactType.BOOL, "đã được xếp loại năm của kỳ", period=True)
def _rated(r: Refs, c: Context) -> ColumnElement[Any]:
    t = _t("ratings").alias()
    return exists().where(t.c.union_code == r.row.c.code, t.c.year == c.require_period().year)


@fact(
    UNION,
    "party_introductions_in_period",
    FactType.INT,
    "số đoàn viên ưu tú giới thiệu cho Đảng trong kỳ",
    period=True,
)
def _introductions(r: Refs, c: Context) -> ColumnElement[Any]:
    return _count(
        "party_introductions",
        lambda t: and_(t.c.union_code == r.row.c.code, _in_period(t.c.date, c)),
    )


# Complaints ----------------------------------------------------------------------------------

COMPLAINT = _register(
    Subject(
        "complaint",
        "đơn thư",
        "complaints",
        "id",
        "name",
        owner_table="unions",
        owner_join=("union_code", "code"),
    )
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


# Fee payments --------------------------------------------------------------------------------

FEE_PAYMENT = _register(
    Subject(
        "fee_payment",
        "kỳ nộp kinh phí công đoàn",
        "fee_payments",
        "enterprise_tax_code",
        "name",
        owner_table="enterprises",
        owner_join=("enterprise_tax_code", "tax_code"),
        row_period="period",
    )
)
column_fact(FEE_PAYMENT, "period", FactType.TEXT, "kỳ")
column_fact(FEE_PAYMENT, "due_on", FactType.DATE, "hạn nộp")
column_fact(FEE_PAYMENT, "amount_due", FactType.FLOAT, "số phải nộp")


@fact(FEE_PAYMENT, "amount_paid", FactType.FLOAT, "số đã nộp")
def _paid(r: Refs, _c: Context) -> ColumnElement[Any]:
    """Nothing recorded as paid is nothing paid."""
    return func.coalesce(r.row.c.amount_paid, literal(0.0))


# Chair elections -----------------------------------------------------------------------------

CHAIR_ELECTION = _register(
    Subject(
        "chair_election",
        "lần bầu chủ tịch công đoàn cơ sở",
        "chair_elections",
        "id",
        "name",
        owner_table="unions",
        owner_join=("union_code", "code"),
    )
)
column_fact(CHAIR_ELECTION, "elected_on", FactType.DATE, "ngày bầu")
column_fact(CHAIR_ELECTION, "trained_on", FactType.DATE, "ngày được tập huấn")


@fact(CHAIR_ELECTION, "trained_by_as_of", FactType.BOOL, "đã được tập huấn")
def _trained(r: Refs, c: Context) -> ColumnElement[Any]:
    return and_(r.row.c.trained_on.is_not(None), r.row.c.trained_on <= c.as_of)


@fact(FEE_PAYMENT, "arrears", FactType.FLOAT, "số còn nợ")
def _arrears(r: Refs, _c: Context) -> ColumnElement[Any]:
    """What is still owed; unknown when the amount due is."""
    return r.row.c.amount_due - func.coalesce(r.row.c.amount_paid, literal(0.0))


# Data quality ------------------------------------------------------------------------------------
# Implausible rows are accepted (registry-format.md, "Implausible is not broken"); these facts let
# rules/data_quality/ find them in the registry as it stands, so a corrected delivery resolves the
# finding, and name the delivery row the import warned about (import_warnings), newest first.


def _both_known(*columns: ColumnElement[Any]) -> list[ColumnElement[bool]]:
    return [c.is_not(None) for c in columns]


def _delivered_at(
    table: str, codes: tuple[str, ...], key: Callable[[Any], ColumnElement[bool]]
) -> ColumnElement[Any]:
    """``FILE:ROW`` of the newest warning about a row of ``table`` whose key ``key`` accepts."""
    w = _t("import_warnings").alias()
    where = and_(w.c.table_name == table, w.c.code.in_(codes), key(w.c.row_key))
    located = w.c.file + literal(":") + func.coalesce(cast(w.c.row, String), literal("?"))
    return select(located).where(where).order_by(w.c.id.desc()).limit(1).scalar_subquery()


@fact(ENTERPRISE, "female_workers_exceed_workers", FactType.BOOL, "số lao động nữ lớn hơn tổng số")
def _female_workers_exceed(r: Refs, _c: Context) -> ColumnElement[Any]:
    e = r.row
    return and_(*_both_known(e.c.female_workers, e.c.workers), e.c.female_workers > e.c.workers)


@fact(ENTERPRISE, "workers_delivered_at", FactType.TEXT, "dòng dữ liệu doanh nghiệp bị cảnh báo")
def _workers_delivered_at(r: Refs, _c: Context) -> ColumnElement[Any]:
    return _delivered_at(
        "enterprises", ("row.part_exceeds_whole",), lambda k: k == r.row.c.tax_code
    )


def _inverted_agreements(e: FromClause) -> tuple[Any, ColumnElement[bool]]:
    a = _t("agreements").alias()
    return a, and_(
        a.c.enterprise_tax_code == e.c.tax_code,
        *_both_known(a.c.signed_on, a.c.expires_on),
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
    return _delivered_at("agreements", ("row.dates_out_of_order",), lambda k: k.in_(ids))


@fact(UNION, "female_members_exceed_members", FactType.BOOL, "số đoàn viên nữ lớn hơn tổng số")
def _female_members_exceed(r: Refs, _c: Context) -> ColumnElement[Any]:
    u = r.row
    return and_(*_both_known(u.c.female_members, u.c.members), u.c.female_members > u.c.members)


@fact(UNION, "dissolved_before_founded", FactType.BOOL, "ngày giải thể sớm hơn ngày thành lập")
def _dissolved_before_founded(r: Refs, _c: Context) -> ColumnElement[Any]:
    u = r.row
    return and_(*_both_known(u.c.founded_on, u.c.dissolved_on), u.c.dissolved_on < u.c.founded_on)


@fact(
    UNION,
    "enterprise_on_non_grassroots",
    FactType.BOOL,
    "công đoàn không phải cơ sở nhưng gắn mã số thuế doanh nghiệp",
)
def _enterprise_on_non_grassroots(r: Refs, _c: Context) -> ColumnElement[Any]:
    u = r.row
    return and_(*_both_known(u.c.enterprise_tax_code, u.c.kind), u.c.kind != "grassroots_union")


def _union_delivered_at(code: str) -> FactBuilder:
    def build(r: Refs, _c: Context) -> ColumnElement[Any]:
        return _delivered_at("unions", (code,), lambda k: k == r.row.c.code)

    return build


for _name, _code in (
    ("members_delivered_at", "row.part_exceeds_whole"),
    ("dates_delivered_at", "row.dates_out_of_order"),
    ("enterprise_link_delivered_at", "row.not_grassroots"),
):
    fact(UNION, _name, FactType.TEXT, "dòng dữ liệu công đoàn bị cảnh báo")(
        _union_delivered_at(_code)
    )


@fact(COMPLAINT, "dates_out_of_order", FactType.BOOL, "các ngày của đơn thư không theo thứ tự")
def _complaint_dates(r: Refs, _c: Context) -> ColumnElement[Any]:
    k = r.row
    return or_(
        *(
            and_(*_both_known(k.c[a], k.c[b]), k.c[b] < k.c[a])
            for a, b in (
                ("received_on", "accepted_on"),
                ("accepted_on", "resolved_on"),
                ("received_on", "resolved_on"),
            )
        )
    )


@fact(COMPLAINT, "dates_delivered_at", FactType.TEXT, "dòng dữ liệu đơn thư bị cảnh báo")
def _complaint_delivered_at(r: Refs, _c: Context) -> ColumnElement[Any]:
    return _delivered_at("complaints", ("row.dates_out_of_order",), lambda k: k == r.row.c.id)


@fact(CHAIR_ELECTION, "trained_before_elected", FactType.BOOL, "ngày tập huấn sớm hơn ngày bầu")
def _trained_before_elected(r: Refs, _c: Context) -> ColumnElement[Any]:
    x = r.row
    return and_(*_both_known(x.c.elected_on, x.c.trained_on), x.c.trained_on < x.c.elected_on)


@fact(CHAIR_ELECTION, "dates_delivered_at", FactType.TEXT, "dòng dữ liệu bầu chủ tịch bị cảnh báo")
def _chair_delivered_at(r: Refs, _c: Context) -> ColumnElement[Any]:
    return _delivered_at("chair_elections", ("row.dates_out_of_order",), lambda k: k == r.row.c.id)
