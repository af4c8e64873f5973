"""The organisation hierarchy as it stood on a given day.

Evaluation "as of" a date must see that date's hierarchy (district federations disappeared on
1/7/2025, and their grassroots unions moved), so everything that asks "who is above this union"
goes through these queries, never through ``unions.superior_code``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, and_, or_, select
from sqlalchemy.sql import Select

from compliance.models import UnionSuperior

_hs = UnionSuperior.__table__  # type: ignore[attr-defined]


def superiors_on(day: dt.date) -> Select[tuple[str, str | None]]:
    """``(union_code, superior_code)`` for every span in force on ``day``."""
    return select(_hs.c.union_code, _hs.c.superior_code).where(
        and_(
            or_(_hs.c.valid_from.is_(None), _hs.c.valid_from <= day),
            or_(_hs.c.valid_until.is_(None), _hs.c.valid_until > day),
        )
    )


def superior_of(conn: Connection, code: str, day: dt.date) -> str | None:
    statement = superiors_on(day).where(_hs.c.union_code == code)
    row = conn.execute(statement).first()
    return row[1] if row else None


def chain_of(conn: Connection, code: str, day: dt.date, limit: int = 10) -> list[str]:
    """The union and its superiors up to the top, as on ``day`` (bounded against cycles)."""
    chain = [code]
    while len(chain) <= limit and (above := superior_of(conn, chain[-1], day)) is not None:
        if above in chain:
            break
        chain.append(above)
    return chain
