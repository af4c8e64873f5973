"""Who sees what: a province, or a union and every union under it in today's hierarchy."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from compliance.review import queries
from compliance.review.scope import Scope
from compliance.settings import today
from tests.factories import TASKS


def _all_flagged(conn: Any, scope: Scope) -> set[int]:
    ids: set[int] = set()
    page = 1
    while True:
        result = queries.flagged(conn, scope, queries.Filters(status="all"), page)
        ids |= {row["id"] for row in result.rows}
        if page >= result.pages:
            return ids
        page += 1


def _subtree(conn: Any, top: str) -> set[str]:
    """The union and those under it today, walked here in Python from the spans."""
    day = today()
    below: dict[str, list[str]] = {}
    for union, superior, start, end in conn.execute(
        text("SELECT union_code, superior_code, valid_from, valid_until FROM union_superiors")
    ):
        if (start is None or str(start) <= str(day)) and (end is None or str(end) > str(day)):
            below.setdefault(superior, []).append(union)
    found, todo = {top}, [top]
    while todo:
        for child in below.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def test_scope_kind_follows_the_code(reviewed: Engine) -> None:
    with reviewed.connect() as conn:
        union = conn.execute(text("SELECT code FROM unions LIMIT 1")).scalar_one()
        assert Scope.of(conn, None).kind == "country"
        assert Scope.of(conn, "80").kind == "province"
        assert Scope.of(conn, union).kind == "union"
        vanished = Scope.of(conn, "KHÔNG-CÓ")
        assert vanished.kind == "union"
        assert _all_flagged(conn, vanished) == set()  # sees nothing rather than everything


def test_a_province_sees_its_own_tasks_and_the_provinces_add_up(reviewed: Engine) -> None:
    with reviewed.connect() as conn:
        everything = _all_flagged(conn, Scope("country"))
        by_province = {code: _all_flagged(conn, Scope("province", code)) for code in ("80", "66")}
        province_of = dict(conn.execute(select(TASKS.c.id, TASKS.c.province_code)).all())
    assert by_province["80"] and by_province["66"]
    assert by_province["80"].isdisjoint(by_province["66"])
    assert by_province["80"] | by_province["66"] == everything
    assert {province_of[i] for i in by_province["80"]} == {"80"}


@pytest.mark.parametrize("kind", ["direct_superior_union", "provincial_federation"])
def test_a_union_sees_its_subtree_and_the_work_it_must_act_on(reviewed: Engine, kind: str):
    """A federation also sees the enterprises without a union it must act on (by the task's
    responsible body, not by the unit's union)."""
    with reviewed.connect() as conn:
        top = conn.execute(
            text(
                "SELECT t.responsible_code FROM follow_up_tasks t JOIN unions u "
                "ON u.code = t.responsible_code WHERE u.kind = :kind "
                "GROUP BY t.responsible_code ORDER BY count(*) DESC, 1 LIMIT 1"
            ),
            {"kind": kind},
        ).scalar_one()
        subtree = _subtree(conn, top)
        enterprise_union = dict(
            conn.execute(
                text("SELECT enterprise_tax_code, code FROM unions "
                     "WHERE enterprise_tax_code IS NOT NULL")
            ).all()
        )  # fmt: off
        owner = {
            **dict(conn.execute(text("SELECT id, union_code FROM complaints")).all()),
            **dict(conn.execute(text("SELECT id, union_code FROM chair_elections")).all()),
        }
        expected = {
            task_id
            for task_id, unit, responsible in conn.execute(
                select(TASKS.c.id, TASKS.c.unit, TASKS.c.responsible_code)
            )
            if unit in subtree
            or enterprise_union.get(unit) in subtree
            or owner.get(unit) in subtree
            or responsible in subtree
        }
        seen = _all_flagged(conn, Scope("union", top))
        assert len(subtree) > 1 and expected
        assert seen == expected
        outside = conn.execute(
            select(TASKS.c.unit).where(TASKS.c.id.not_in(expected)).limit(1)
        ).scalar_one()
        assert not Scope("union", top).contains(conn, outside)
        assert Scope("province", "80").contains(conn, "KHÔNG-CÓ") is False
