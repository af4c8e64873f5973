"""What a fact is: subjects, their facts' types and contexts, and the helpers fact modules share.

A subject is what a rule is about (an enterprise, a union, a complaint, a fee payment, a chair
election); its facts may depend on the "as of" day ``D`` and on the judged period ``[P0, P1]``.
Each subject and its facts are declared in one ``facts_<subject>`` module; ``facts`` gathers
them into the catalogue (``SUBJECTS``) that rules are checked and evaluated against.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
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
    func,
    literal,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.sql import FromClause

from compliance.models.registry import SQLModel
from compliance.vocabulary.periods import Period

FAR_FUTURE = dt.date(9999, 12, 31)


def registry_table(name: str) -> Any:
    return SQLModel.metadata.tables[name]


class FactType(StrEnum):
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    DATE = "date"
    TEXT = "text"


SQL_TYPES = {
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
    # The rule's parameter values: a rule-defined fact's ``where`` may read ``$parameter``.
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

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
        return type_coerce(self.build(refs, context), SQL_TYPES[self.type]).label(self.name)


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
        row = registry_table(self.table).alias("s")
        owner = registry_table(self.owner_table).alias("o") if self.owner_table else None
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
        days = (context.as_of,) if mode is Activity.AS_OF else period_bounds(context)
        check = enterprise_active if self.table == "enterprises" else union_active
        if self.table not in ("enterprises", "unions"):
            return true()
        return and_(*(check(refs.row, day) for day in days))


def period_bounds(context: Context) -> tuple[dt.date, dt.date]:
    period = context.require_period()
    return period.start, period.end


def enterprise_active(e: FromClause, day: dt.date) -> ColumnElement[bool]:
    return and_(e.c.status == "active", or_(e.c.registered_on.is_(None), e.c.registered_on <= day))


def union_active(u: FromClause, day: dt.date) -> ColumnElement[bool]:
    return and_(
        or_(u.c.founded_on.is_(None), u.c.founded_on <= day),
        or_(u.c.dissolved_on.is_(None), u.c.dissolved_on > day),
    )


def grassroots_of(u: FromClause, tax_code: ColumnElement[Any]) -> ColumnElement[bool]:
    """``u`` is the grassroots union of the enterprise ``tax_code``: only a grassroots union (or
    one of unknown kind) stands for an enterprise; another kind carrying a tax code is a
    data-quality finding (data_quality.union_enterprise_link), not the enterprise's union."""
    return and_(
        u.c.enterprise_tax_code == tax_code,
        or_(u.c.kind.is_(None), u.c.kind == "grassroots_union"),
    )


def in_period(column: ColumnElement[Any], context: Context) -> ColumnElement[bool]:
    start, end = period_bounds(context)
    return and_(column >= start, column <= end)


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


# Data quality ------------------------------------------------------------------------------------
# Implausible rows are accepted (registry-format.md, "Implausible is not broken"); data-quality
# facts let rules/data_quality/ find them in the registry as it stands, so a corrected delivery
# resolves the finding, and name the delivery row the import warned about (import_warnings),
# newest first. Each subject's module declares its own after its ordinary facts.


def both_known(*columns: ColumnElement[Any]) -> list[ColumnElement[bool]]:
    return [c.is_not(None) for c in columns]


def delivered_at(
    table: str, codes: tuple[str, ...], key: Callable[[Any], ColumnElement[bool]]
) -> ColumnElement[Any]:
    """``FILE:ROW`` of the newest warning about a row of ``table`` whose key ``key`` accepts."""
    w = registry_table("import_warnings").alias()
    where = and_(w.c.table_name == table, w.c.code.in_(codes), key(w.c.row_key))
    located = w.c.file + literal(":") + func.coalesce(cast(w.c.row, String), literal("?"))
    return select(located).where(where).order_by(w.c.id.desc()).limit(1).scalar_subquery()
