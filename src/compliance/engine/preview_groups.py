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

from sqlalchemy import Connection, bindparam, select

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


def _lookup(conn: Connection, columns: list[Any], key: Any, codes: Iterable[str]) -> list[Any]:
    wanted = sorted(set(codes))
    statement = select(*columns).where(key.in_(bindparam("codes", expanding=True)))
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
    grassroots: dict[str, str] = {}
    rows = _lookup(
        conn,
        [unions.c.enterprise_tax_code, unions.c.code, unions.c.founded_on, unions.c.dissolved_on],
        unions.c.enterprise_tax_code,
        enterprise_of.values(),
    )
    for tax, code, *_ in sorted(rows, key=lambda r: (r[0], _active(r, as_of))):
        grassroots[tax] = code  # the active one sorts last and wins
    for key, tax in enterprise_of.items():
        if tax in grassroots:
            union_of[key] = grassroots[tax]
    info = {
        code: (kind, tax)
        for code, kind, tax in _lookup(
            conn,
            [unions.c.code, unions.c.kind, unions.c.enterprise_tax_code],
            unions.c.code,
            union_of.values(),
        )
    }
    sup = superiors_on(as_of).subquery("s")
    above = dict(_lookup(conn, [sup.c.union_code, sup.c.superior_code], sup.c.union_code, info))
    superior = {
        code: code if kind == _OWN_LEVEL else above.get(code) if kind in _BELOW else None
        for code, (kind, _) in info.items()
    }
    names = dict(
        _lookup(
            conn, [unions.c.code, unions.c.name], unions.c.code, filter(None, superior.values())
        )
    )
    taxes = set(enterprise_of.values()) | {tax for _, tax in info.values() if tax}
    sectors = dict(
        _lookup(conn, [enterprises.c.tax_code, enterprises.c.sector], enterprises.c.tax_code, taxes)
    )
    result: dict[tuple[str, str], Place] = {}
    for d in deltas:
        key = (_subject(d).name, d.finding.unit)
        union = union_of.get(key)
        boss = superior.get(union) if union else None
        tax = enterprise_of.get(key) or (info.get(union, (None, None))[1] if union else None)
        result[key] = Place(
            d.finding.province_code, boss, names.get(boss) if boss else None, sectors.get(tax)
        )
    return result


def _active(row: Any, day: dt.date) -> bool:
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
