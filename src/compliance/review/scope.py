"""What a reviewer may see: a province, or a union and everything under it in the hierarchy.

Every list, page and API call filters through :class:`Scope`, in SQL, so a query can never
return a row outside it. A union's scope is today's hierarchy below it (a recursive query over
the effective-dated spans), so a union that moved last month is seen by its new superior only.
Work on a unit belongs to a union scope when the unit's own union is inside it (an enterprise's
grassroots union; the union handling a complaint or a chair election) or when the body that must
act on the task is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Connection,
    FromClause,
    exists,
    false,
    literal,
    or_,
    select,
    true,
)
from sqlmodel import SQLModel

from compliance.accounts import ScopeKind, scope_kind
from compliance.registry.hierarchy import superiors_on
from compliance.settings import today


def _t(name: str) -> Any:
    return SQLModel.metadata.tables[name]


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    code: str | None = None
    day: dt.date | None = None  # the hierarchy of this day; today by default

    @classmethod
    def of(cls, conn: Connection, code: str | None) -> Scope:
        if code is None:
            return cls("country")
        kind = scope_kind(conn, code)
        # A scope whose code vanished from the registry sees nothing rather than everything.
        return cls(kind or "union", code)

    @property
    def label(self) -> str:
        if self.kind == "country":
            return "toàn quốc"
        return f"{'tỉnh' if self.kind == 'province' else 'công đoàn'} {self.code}"

    # -- SQL ------------------------------------------------------------------------------

    @cached_property
    def unions_below(self) -> CTE:
        """The union and every union under it, as today's hierarchy has them."""
        spans = superiors_on(self.day or today()).subquery("spans")
        tree = select(literal(self.code).label("code")).cte("scope_unions", recursive=True)
        below = select(spans.c.union_code).join(tree, spans.c.superior_code == tree.c.code)
        return tree.union(below)

    def owns_unit(self, unit: ColumnElement[Any]) -> ColumnElement[bool]:
        """True when ``unit`` (an enterprise, union, complaint or chair election) is inside."""
        if self.kind == "country":
            return true()
        unions, enterprises = _t("unions"), _t("enterprises")
        if self.kind == "province":
            return or_(
                exists().where(
                    enterprises.c.tax_code == unit, enterprises.c.province_code == self.code
                ),
                exists().where(unions.c.code == unit, unions.c.province_code == self.code),
                *(
                    exists().where(
                        t.c.id == unit,
                        t.c.union_code == unions.c.code,
                        unions.c.province_code == self.code,
                    )
                    for t in (_t("complaints"), _t("chair_elections"))
                ),
            )
        tree = self.unions_below
        inside = select(tree.c.code)
        return or_(
            unit.in_(inside),
            exists().where(unions.c.enterprise_tax_code == unit, unions.c.code.in_(inside)),
            *(
                exists().where(t.c.id == unit, t.c.union_code.in_(inside))
                for t in (_t("complaints"), _t("chair_elections"))
            ),
        )

    def covers(self, table: FromClause) -> ColumnElement[bool]:
        """Rows of ``follow_up_tasks`` or ``findings`` inside the scope."""
        if self.kind == "country":
            return true()
        if self.kind == "province":
            return table.c.province_code == self.code
        clauses = [self.owns_unit(table.c.unit)]
        if "responsible_code" in table.c:
            clauses.append(table.c.responsible_code.in_(select(self.unions_below.c.code)))
        return or_(*clauses)

    def contains(self, conn: Connection, unit: str) -> bool:
        if self.kind == "country":
            return True
        if self.kind == "union" and self.code is None:
            return False
        tasks = _t("follow_up_tasks")
        by_task = (
            exists().where(tasks.c.unit == unit, self.covers(tasks))
            if self.kind == "union"
            else false()
        )
        return bool(conn.execute(select(or_(self.owns_unit(literal(unit)), by_task))).scalar())
