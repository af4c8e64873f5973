"""The filter menus of the lists, read once a minute per scope, and the people a filter may name.

Every list offers only what exists inside the account's scope (rules, provinces, the people and
bodies work is assigned to). Reading that scans the scope's tasks, which costs more than the page
itself, and the menus only change with a run or an assignment: a minute's delay in a menu is
harmless, since a filter typed by hand is applied whatever the menu says. The assignees (a
thousand names in a busy province) are not in the page at all: the type-ahead asks for them once
(``/api/choices/assignees``), so a list page stays a few kilobytes.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import Request

from compliance.review import queries
from compliance.review.scope import Scope

MENU_TTL = 60.0  # seconds


def menus(request: Request, scope: Scope) -> dict[str, list[Any]]:
    """:func:`compliance.review.queries.choices` of ``scope``, kept for :data:`MENU_TTL`."""
    cache: dict[tuple[Any, ...], tuple[float, dict[str, list[Any]]]] = request.app.state.menus
    key = (scope.kind, scope.code, scope.day)
    hit = cache.get(key)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    with request.app.state.engine.connect() as conn:
        found = queries.choices(conn, scope)
    cache[key] = (time.monotonic() + MENU_TTL, found)
    return found


def forget(request: Request, assignee: str | None) -> None:
    """After ``assignee`` was given work in this process: when a menu does not offer it yet,
    the menus are read afresh (other server processes catch up within :data:`MENU_TTL`). An
    assignment to someone already offered changes no menu: inspectors assign all day long."""
    cache: dict[tuple[Any, ...], tuple[float, dict[str, list[Any]]]] = request.app.state.menus
    wanted = (assignee or "").strip()
    if wanted and any(all(v != wanted for v, _ in m["assignees"]) for _, m in cache.values()):
        cache.clear()
