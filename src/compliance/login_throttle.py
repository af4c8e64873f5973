"""Failed logins counted in the database, per login name and per client address.

An attempt is counted *before* the password is checked and taken back only when it succeeds:
parallel requests each get their own count from one atomic upsert, so they cannot all slip
through while the first is still hashing, and a successful login of one's own never wipes the
failures that came before it. Names that do not exist are counted exactly like real ones, so
being locked out says nothing about which names exist.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, case, delete, update
from sqlalchemy.dialects import postgresql, sqlite

from compliance import db
from compliance.models.accounts import LoginThrottle

NAME_LIMIT = 5  # failures per name per window
ADDRESS_LIMIT = 20  # failures per client address per window
WINDOW = 300  # seconds
KEY_CHARS = 200  # a longer name is counted under its first 200 characters


@dataclass(frozen=True)
class Attempt:
    """One counted attempt: its key, the window it fell in, and whether it is over the limit."""

    key: str
    window_start: int
    failures: int
    limit: int

    @property
    def blocked(self) -> bool:
        return self.failures > self.limit

    @property
    def until(self) -> int:
        """Unix seconds when the window ends and the key may try again."""
        return self.window_start + WINDOW


def name_key(name: str) -> str:
    return f"name:{name.strip()[:KEY_CHARS]}"


def address_key(address: str) -> str:
    return f"address:{address[:KEY_CHARS]}"


def _table() -> Any:
    return LoginThrottle.__table__  # type: ignore[attr-defined]


def count(db_engine: Engine, key: str, limit: int, now: float | None = None) -> Attempt:
    """Count one attempt against ``key``: a new window when the last one is over."""
    now_s = int(time.time() if now is None else now)
    table = _table()
    insert = postgresql.insert if db_engine.dialect.name == "postgresql" else sqlite.insert
    expired = table.c.window_start <= now_s - WINDOW
    statement = (
        insert(table)
        .values(key=key, window_start=now_s, failures=1)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "failures": case((expired, 1), else_=table.c.failures + 1),
                "window_start": case((expired, now_s), else_=table.c.window_start),
            },
        )
        .returning(table.c.window_start, table.c.failures)
    )
    with db.writing(db_engine) as conn:
        window_start, failures = conn.execute(statement).one()
        if random.random() < 0.01:  # now and then, forget windows long over
            conn.execute(delete(table).where(table.c.window_start < now_s - 10 * WINDOW))
    return Attempt(key, window_start, failures, limit)


def take_back(db_engine: Engine, attempts: list[Attempt]) -> None:
    """A successful login: its own counted attempts were not failures."""
    table = _table()
    with db.writing(db_engine) as conn:
        for attempt in attempts:
            conn.execute(
                update(table)
                .where(
                    table.c.key == attempt.key,
                    table.c.window_start == attempt.window_start,
                    table.c.failures > 0,
                )
                .values(failures=table.c.failures - 1)
            )
