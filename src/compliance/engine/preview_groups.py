"""Where a preview's changes fall: rule × province × direct-superior union × sector, and the
headline a catalogue maintainer reads first ("ngưỡng min_workers 25 → 20: thêm 1.204 phát
hiện, trong đó Tây Ninh 311").

A unit's direct-superior union is the one above it on the day judged (the hierarchy of that
day, ``registry.hierarchy``): for an enterprise or its fee payments, its grassroots union's
superior; for a grassroots union or guild, its superior; a direct-superior union is its own;
complaints and chair elections go through the union that owns them. The sector is the
enterprise's (a union's through its enterprise). Only the units that changed are looked up.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, case, select

from compliance.engine.preview import Delta, Preview
from compliance.formatting import number_vn
from compliance.registry.contract import SECTORS
from compliance.registry.hierarchy import superiors_on
from compliance.registry.places import current_provinces
from compliance.vocabulary.facts import SUBJECTS
from compliance.vocabulary.subjects import registry_table

_CHUNK = 5_000
_OWN_LEVEL = "direct_superior_union"
_BELOW = ("grassroots_union", "guild")


@dataclass(frozen=True)
class Place:
    province: str | None
    superior: str | None
    superior_name: str | None
    sector: str | None


@dataclass
class Group:
    rule: str
    place: Place
    deltas: list[Delta] = field(default_factory=list)

    def count(self, change: str) -> int:
        return sum(d.change == change for d in self.deltas)


def province_name(code: str | None) -> str:
    return current_provinces().get(code or "", code or "không rõ tỉnh")


def sector_name(sector: str | None) -> str:
    names = SECTORS.get(sector or "")
    return names[0] if names else (sector or "không rõ")


def _lookup(
    conn: Connection, columns: list[Any], key: Any, codes: Iterable[str], source: Any = None
) -> list[Any]:
    """``columns`` of the rows whose ``key`` is one of ``codes``, a chunk of codes a query."""
    wanted = sorted(set(codes))
    statement = select(*columns).where(key.in_(bindparam("codes", expanding=True)))
    if source is not None:
        statement = statement.select_from(source)
    rows: list[Any] = []
    for start in range(0, len(wanted), _CHUNK):
        rows += conn.execute(statement, {"codes": wanted[start : start + _CHUNK]}).all()
    return rows


def places(conn: Connection, deltas: list[Delta], as_of: dt.date) -> dict[tuple[str, str], Place]:
    """(subject, unit) → where it falls, for every unit of ``deltas``."""
    enterprises = registry_table("enterprises")
    unions = registry_table("unions")
    union_of: dict[tuple[str, str], str] = {}  # (subject, unit) -> its union
    enterprise_of: dict[tuple[str, str], str] = {}
    owned: dict[str, set[str]] = {}
    for d in deltas:
        subject = _subject(d)
        key, unit = (subject.name, d.finding.unit), d.finding.unit
        if "enterprises" in (subject.table, subject.owner_table):
            enterprise_of[key] = unit
        elif subject.table == "unions":
            union_of[key] = unit
        else:
            owned.setdefault(subject.name, set()).add(unit)
    for name, ids in owned.items():
        subject = SUBJECTS[name]
        table = registry_table(subject.table)
        assert subject.owner_join is not None
        code_column, owner_column = table.c[subject.code_column], table.c[subject.owner_join[0]]
        for code, owner in _lookup(conn, [code_column, owner_column], code_column, ids):
            union_of[name, code] = owner
    # Enterprises: their sector and their grassroots union (the one active on the day, if any).
    # The union's kind is checked here, not in the join: SQLite would then walk the kind index.
    u = unions.alias("u")
    rows = _lookup(
        conn,
        [enterprises.c.tax_code, u.c.code, u.c.founded_on, u.c.dissolved_on, u.c.kind]
        + [enterprises.c.sector],
        enterprises.c.tax_code,
        enterprise_of.values(),
        enterprises.outerjoin(u, u.c.enterprise_tax_code == enterprises.c.tax_code),
    )
    grassroots: dict[str, str] = {}
    sectors: dict[str | None, str | None] = {}
    for tax, code, *_, kind, sector in sorted(rows, key=lambda r: (r[0], _active(r, as_of))):
        sectors[tax] = sector
        if code is not None and kind == _BELOW[0]:
            grassroots[tax] = code  # the active one sorts last and wins
    for key, tax in enterprise_of.items():
        if tax in grassroots:
            union_of[key] = grassroots[tax]
    # Unions: the direct-superior union of the day and its name, and the union's sector.
    sup = superiors_on(as_of).subquery("s")
    boss, firm = unions.alias("b"), enterprises.alias("e")
    direct = case(
        (unions.c.kind == _OWN_LEVEL, unions.c.code),
        (unions.c.kind.in_(_BELOW), sup.c.superior_code),
        else_=None,
    )
    joined = (
        unions.outerjoin(sup, sup.c.union_code == unions.c.code)
        .outerjoin(boss, boss.c.code == direct)
        .outerjoin(firm, firm.c.tax_code == unions.c.enterprise_tax_code)
    )
    columns = [unions.c.code, direct, boss.c.name, unions.c.enterprise_tax_code, firm.c.sector]
    superior: dict[str, tuple[str | None, str | None]] = {}
    for code, above, name, _tax, sector in _lookup(
        conn, columns, unions.c.code, union_of.values(), joined
    ):
        superior[code] = (above, name)
        sectors[code] = sector
    result: dict[tuple[str, str], Place] = {}
    for d in deltas:
        key = (_subject(d).name, d.finding.unit)
        union = union_of.get(key)
        above, name = superior.get(union, (None, None)) if union else (None, None)
        tax = enterprise_of.get(key)
        sector = sectors.get(tax) if tax else sectors.get(union)
        result[key] = Place(d.finding.province_code, above, name, sector)
    return result


def _active(row: Any, day: dt.date) -> bool:
    if row[1] is None or row[4] != _BELOW[0]:  # no union, or not a grassroots one
        return False
    founded, dissolved = row[2], row[3]
    return (founded is None or founded <= day) and (dissolved is None or dissolved > day)


def _subject(delta: Delta) -> Any:
    loaded = delta.finding.loaded
    assert loaded is not None
    return SUBJECTS[loaded.rule.applies_to.subject]


def groups(conn: Connection, result: Preview) -> list[Group]:
    """The deltas by rule × province × direct-superior union × sector, largest first."""
    where = places(conn, result.deltas, result.as_of)
    by_key: dict[tuple[str, Place], Group] = {}
    for d in result.deltas:
        place = where[_subject(d).name, d.finding.unit]
        group = by_key.setdefault((d.finding.rule, place), Group(d.finding.rule, place))
        group.deltas.append(d)
    order = {rule: i for i, rule in enumerate(result.catalogues.involved)}
    return sorted(
        by_key.values(),
        key=lambda g: (
            order.get(g.rule, len(order)),
            -len(g.deltas),
            g.place.province or "",
            g.place.superior or "",
            g.place.sector or "",
        ),
    )


def _what_changed(result: Preview, rule: str) -> str:
    chosen = result.catalogues
    if rule in chosen.new:
        return f"quy tắc mới {rule}"
    before = next(r for r in chosen.before if r.id == rule)
    after = next(r for r in chosen.after if r.id == rule)
    parts = [f"{rule} sửa đổi"] if after.version != before.version else [rule]
    parts += [
        f"ngưỡng {name} {_plain(old)} → {_plain(new)}"
        for name, old, new in chosen.parameter_changes(rule)
    ]
    return ", ".join(parts)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    return number_vn(value) if isinstance(value, int | float) else str(value)


def headlines(result: Preview) -> list[str]:
    """One line per rule involved: what changed, and where most of the change falls."""
    lines = []
    for rule in result.catalogues.involved:
        deltas = [d for d in result.deltas if d.finding.rule == rule]
        counts = Counter(d.change for d in deltas)
        parts = []
        for change, verb in (("added", "thêm"), ("removed", "bớt")):
            if counts[change]:
                provinces = Counter(d.finding.province_code for d in deltas if d.change == change)
                top, most = min(provinces.items(), key=lambda item: (-item[1], item[0] or ""))
                where = f", trong đó {province_name(top)} {number_vn(most)}"
                if result.province or len(provinces) == 1:
                    where = f", tất cả ở {province_name(top)}"
                parts.append(f"{verb} {number_vn(counts[change])} phát hiện{where}")
        if counts["changed"]:
            parts.append(f"{number_vn(counts['changed'])} phát hiện đổi mức")
        summary = "; ".join(parts) or "không thay đổi phát hiện nào"
        lines.append(f"{_what_changed(result, rule)}: {summary}")
    return lines
