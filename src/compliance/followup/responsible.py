"""Who must act on a finding: a body found in the organisation hierarchy of the day judged.

The hierarchy is read once per run (``Hierarchy.load``) — a dictionary walk per finding after
that — because a national run resolves hundreds of thousands of findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, bindparam, select

from compliance.engine.findings import Finding
from compliance.models.registry import SQLModel
from compliance.programmes.bodies import registry
from compliance.registry.hierarchy import superiors_on
from compliance.rules.model import Responsible
from compliance.vocabulary.facts import SUBJECTS, enterprise_owned
from compliance.vocabulary.subjects import grassroots_of, union_active

_MAX_DEPTH = 10
# Bodies of programme items (followup.programme_tasks): the code of rules/programmes/bodies.yaml,
# or the name as written when it names no listed body.
PROGRAMME_LEAD = "programme_lead"
PROGRAMME_ISSUER = "programme_issuer"
UNION_SUBJECT = "union"  # a union's own obligations: it handles them itself
ENTERPRISE_OWNED = frozenset(s.name for s in enterprise_owned())


def _t(name: str):  # type: ignore[no-untyped-def]
    return SQLModel.metadata.tables[name]


@dataclass(frozen=True)
class Body:
    kind: str  # a Responsible value, or "escalated" levels keep the kind of the body reached
    code: str | None  # the union whose body it is

    @property
    def key(self) -> str:
        """How notification targets name this body: a union code, or ``ubkt:`` + union code for
        its inspection committee (Ủy ban kiểm tra), which is a body of its own."""
        code = self.code or ""
        return f"ubkt:{code}" if self.kind == Responsible.INSPECTION_COMMITTEE else code

    def label(self, hierarchy: Hierarchy) -> str:
        name = hierarchy.names.get(self.code or "", self.code or "chưa xác định")
        if self.kind == Responsible.INSPECTION_COMMITTEE:
            return f"Ủy ban kiểm tra {name}"
        return name


@dataclass
class Hierarchy:
    day: dt.date
    superior: dict[str, str | None] = field(default_factory=dict)
    kind: dict[str, str | None] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    federation: dict[str, str] = field(default_factory=dict)  # province → provincial federation
    grassroots: dict[str, str] = field(default_factory=dict)  # enterprise → its active union
    owner: dict[tuple[str, str], str] = field(default_factory=dict)  # (subject, id) → union

    @classmethod
    def load(cls, conn: Connection, day: dt.date) -> Hierarchy:
        h = cls(day)
        u = _t("unions")
        for code, kind, name, province, active in conn.execute(
            select(u.c.code, u.c.kind, u.c.name, u.c.province_code, union_active(u, day))
        ):
            h.kind[code] = kind
            h.names[code] = name or code
            if (
                kind == "provincial_federation"
                and province
                and (active or province not in h.federation)
            ):
                h.federation[province] = code
        h.superior.update(dict(conn.execute(superiors_on(day)).all()))
        linked = select(u.c.enterprise_tax_code, u.c.code).where(
            grassroots_of(u, u.c.enterprise_tax_code), union_active(u, day)
        )
        h.grassroots.update(dict(conn.execute(linked).all()))
        for body in registry().bodies:  # programme tasks' bodies are named like unions'
            h.names.setdefault(body.code, body.name)
        return h

    def load_owners(self, conn: Connection, subject: str, ids: Iterable[str]) -> None:
        """Rows that belong to a union through a column (vocabulary.facts.union_owned)."""
        declared = SUBJECTS[subject]
        wanted = sorted(set(ids))
        if declared.owner_join is None or declared.owner_table != "unions" or not wanted:
            return
        t = _t(declared.table)
        key, column = t.c[declared.code_column], t.c[declared.owner_join[0]]
        statement = select(key, column).where(key.in_(bindparam("ids", expanding=True)))
        for start in range(0, len(wanted), 900):
            for row_id, union_code in conn.execute(statement, {"ids": wanted[start : start + 900]}):
                self.owner[(subject, row_id)] = union_code

    def owner_union(self, subject: str, unit: str) -> str | None:
        if subject == UNION_SUBJECT:
            return unit
        if subject in ENTERPRISE_OWNED:
            return self.grassroots.get(unit)
        return self.owner.get((subject, unit))

    def federation_above(self, code: str | None, province: str | None) -> str | None:
        seen = 0
        while code is not None and seen < _MAX_DEPTH:
            if self.kind.get(code) == "provincial_federation":
                return code
            code, seen = self.superior.get(code), seen + 1
        return self.federation.get(province or "")

    def responsible(self, kind: Responsible, subject: str, unit: str, province: str | None) -> Body:
        owner = self.owner_union(subject, unit)
        if kind is Responsible.SELF and owner is not None:
            return Body(kind, owner)
        if kind is Responsible.INSPECTION_COMMITTEE and owner is not None:
            return Body(kind, owner)
        if kind in (Responsible.SELF, Responsible.DIRECT_SUPERIOR_UNION) and owner is not None:
            above = self.superior.get(owner)
            if above is not None:
                return Body(Responsible.DIRECT_SUPERIOR_UNION, above)
        # no union of its own, or nothing above it: the province's federation
        return Body(Responsible.PROVINCIAL_FEDERATION, self.federation_above(owner, province))

    def escalate(self, body: Body) -> Body:
        """The body above: a direct-superior union's task goes to its federation, and so on."""
        if body.code is None:
            return body
        if body.kind == Responsible.INSPECTION_COMMITTEE:
            above = self.superior.get(body.code)
            return Body(Responsible.INSPECTION_COMMITTEE, above) if above else body
        above = self.superior.get(body.code)
        if above is None:
            return body
        kind = self.kind.get(above)
        return Body(
            Responsible.PROVINCIAL_FEDERATION
            if kind == "provincial_federation"
            else Responsible.DIRECT_SUPERIOR_UNION,
            above,
        )


def subject_of(finding: Finding) -> str:
    assert finding.loaded is not None
    return finding.loaded.rule.applies_to.subject
