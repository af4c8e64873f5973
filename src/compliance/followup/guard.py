"""What a run may be asked to do, checked before anything is evaluated or written.

Two requests cost a committee its work (issue 16): a typo in a province, unit or rule that
"runs" over nothing and ends "0 vi phạm", and a run dated before the latest whole run, which
judges older periods and would resolve the tasks of newer ones. Both are refused with what to
type instead. A run that really wants an earlier day asks to be *historical*: its findings are
recorded, no task changes, and it never becomes the view reviewers read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, literal, select

from compliance.exceptions import RunRefused
from compliance.formatting import did_you_mean
from compliance.models.followup import ComplianceRun, is_whole_run
from compliance.models.registry import SQLModel
from compliance.registry.places import current_provinces, province_by_name
from compliance.vocabulary.facts import addressable

_SUGGESTIONS = 3


def _t(name: str) -> Any:
    return SQLModel.metadata.tables[name]


def check_request(
    conn: Connection,
    rule_ids: Iterable[str],
    *,
    as_of: dt.date,
    rules: Sequence[str] = (),
    units: Sequence[str] = (),
    province: str | None = None,
    historical: bool = False,
) -> None:
    """Raise :class:`RunRefused` naming the first thing that cannot be run, with suggestions."""
    if province is not None:
        _check_province(conn, province)
    known_rules = sorted(set(rule_ids))
    for rule in rules:
        if rule not in known_rules:
            raise RunRefused("run.unknown_rule", rule=rule, suggestions=_suggest(rule, known_rules))
    for unit in units:
        if not _unit_exists(conn, unit):
            raise RunRefused("run.unknown_unit", unit=unit, suggestions=_suggest_unit(conn, unit))
    if not historical:
        latest = latest_whole_run_day(conn)
        if latest is not None and as_of < latest:
            raise RunRefused("run.backdated", as_of=_vn(as_of), latest=_vn(latest))


def latest_whole_run_day(conn: Connection) -> dt.date | None:
    """The day judged by the newest run that judged everything and kept tasks in step."""
    runs = ComplianceRun.__table__  # type: ignore[attr-defined]
    for as_of, scope in conn.execute(
        select(runs.c.as_of, runs.c.scope)
        .where(runs.c.kind == "compliance")
        .order_by(runs.c.id.desc())
        .limit(200)
    ):
        if is_whole_run(scope):
            return as_of
    return None


def _vn(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _check_province(conn: Connection, province: str) -> None:
    if province in current_provinces() or _stored_province(conn, province):
        return
    code = province_by_name(province)
    if code is not None:
        raise RunRefused(
            "run.province_name",
            province=province,
            province_code=code,
            name=current_provinces()[code],
        )
    known = [f"{c} ({n})" for c, n in current_provinces().items()]
    raise RunRefused(
        "run.unknown_province", province=province, suggestions=_suggest(province, known)
    )


def _stored_province(conn: Connection, code: str) -> bool:
    """Older deliveries may carry a province code of before 2025: a code the registry has."""
    return any(
        conn.execute(select(literal(1)).where(_t(name).c.province_code == code).limit(1)).first()
        for name in ("enterprises", "unions")
    )


_UNIT_KEYS = tuple((s.table, s.code_column) for s in addressable())


def _unit_exists(conn: Connection, unit: str) -> bool:
    return any(
        conn.execute(select(literal(1)).where(_t(table).c[key] == unit).limit(1)).first()
        for table, key in _UNIT_KEYS
    )


def _suggest_unit(conn: Connection, unit: str) -> str:
    """Codes sharing the typed code's beginning (a digit or two off at the end)."""
    stem = unit.strip()[: max(1, len(unit.strip()) - 2)]
    pattern = stem.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    near: list[str] = []
    for table, key in _UNIT_KEYS:
        column = _t(table).c[key]
        near += conn.execute(
            select(column).where(column.like(pattern, escape="\\")).limit(20)
        ).scalars()
    return _suggest(unit, near)


def _suggest(word: str, choices: Sequence[str]) -> str:
    return did_you_mean(word, choices, count=_SUGGESTIONS, cutoff=0.5, sentence=True)
