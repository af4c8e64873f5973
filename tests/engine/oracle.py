"""The contract table of ../shared/registry-format.md, written out plainly in Python.

Independent of the engine on purpose: no facts, no conditions, no SQL — just the sentences of
"The catalogue's per-unit rules, precisely" over lists of rows. The differential tests hold the
engine's three methods equal to this.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

Row = dict[str, Any]
Key = tuple[str, str, str | None, str]

CONTRACT_RULES = (
    "union.establishment",
    "finance.same_level_inspection",
    "review.quarterly",
    "rating.annual",
    "workers_conference.annual",
    "collective_agreement.in_force",
    "complaint.resolution",
    "union_fee.paid",
)
# rules/data_quality/: one finding per unit with an implausible row ("Implausible is not broken").
DATA_QUALITY_RULES = (
    "data_quality.enterprise_workers",
    "data_quality.union_members",
    "data_quality.union_dates",
    "data_quality.union_enterprise_link",
    "data_quality.agreement_dates",
    "data_quality.complaint_dates",
    "data_quality.chair_election_dates",
)


def enterprise_active(e: Row, day: dt.date) -> bool:
    return e.get("status") == "active" and (
        e.get("registered_on") is None or e["registered_on"] <= day
    )


def union_active(u: Row, day: dt.date) -> bool:
    founded, dissolved = u.get("founded_on"), u.get("dissolved_on")
    return (founded is None or founded <= day) and (dissolved is None or dissolved > day)


def last_year(day: dt.date) -> tuple[dt.date, dt.date, str]:
    year = day.year - 1
    return dt.date(year, 1, 1), dt.date(year, 12, 31), str(year)


def last_quarter(day: dt.date) -> tuple[dt.date, dt.date, str]:
    quarter = (day.month - 1) // 3  # the current quarter's index, 0-based
    year = day.year
    if quarter == 0:
        year, quarter = year - 1, 4
    start = dt.date(year, 3 * quarter - 2, 1)
    end = (dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)) - dt.timedelta(days=1)
    return start, end, f"{year}-Q{quarter}"


def inside(day: dt.date | None, start: dt.date, end: dt.date) -> bool:
    return day is not None and start <= day <= end


def findings(registry: dict[str, list[Row]], d: dt.date) -> set[Key]:
    enterprises = registry.get("enterprises", [])
    unions = registry.get("unions", [])
    result: set[Key] = set()

    def grassroots_of(tax_code: str) -> list[Row]:
        """Only a grassroots union (or one of unknown kind) is an enterprise's union."""
        return [
            u
            for u in unions
            if u.get("enterprise_tax_code") == tax_code
            and u.get("kind") in (None, "grassroots_union")
        ]

    # union.establishment
    for e in enterprises:
        if enterprise_active(e, d) and e.get("workers") is not None and e["workers"] >= 25:
            if not any(union_active(u, d) for u in grassroots_of(e["tax_code"])):
                result.add(("union.establishment", e["tax_code"], None, "violation"))

    y0, y1, year = last_year(d)
    q0, q1, quarter = last_quarter(d)

    def whole(u: Row, start: dt.date, end: dt.date) -> bool:
        return union_active(u, start) and union_active(u, end)

    # finance.same_level_inspection
    for u in unions:
        if u.get("kind") in ("direct_superior_union", "provincial_federation") and whole(u, y0, y1):
            if not any(
                i.get("kind") == "finance"
                and i.get("inspector_code") == u["code"] == i.get("target_code")
                and inside(i.get("date"), y0, y1)
                for i in registry.get("inspections", [])
            ):
                result.add(("finance.same_level_inspection", u["code"], year, "violation"))

    # review.quarterly
    for u in unions:
        if u.get("kind") == "grassroots_union" and whole(u, q0, q1):
            if not any(
                r["union_code"] == u["code"] and inside(r.get("date"), q0, q1)
                for r in registry.get("reviews", [])
            ):
                result.add(("review.quarterly", u["code"], quarter, "violation"))

    # rating.annual
    for u in unions:
        if u.get("kind") in ("grassroots_union", "direct_superior_union") and whole(u, y0, y1):
            if not any(
                r["union_code"] == u["code"] and r["year"] == int(year)
                for r in registry.get("ratings", [])
            ):
                result.add(("rating.annual", u["code"], year, "violation"))

    # workers_conference.annual
    for e in enterprises:
        if not (enterprise_active(e, y0) and enterprise_active(e, y1)):
            continue
        if not any(whole(u, y0, y1) for u in grassroots_of(e["tax_code"])):
            continue
        if not any(
            c["enterprise_tax_code"] == e["tax_code"]
            and c.get("kind") == "workers_conference"
            and inside(c.get("date"), y0, y1)
            for c in registry.get("conferences", [])
        ):
            result.add(("workers_conference.annual", e["tax_code"], year, "violation"))

    # collective_agreement.in_force
    for e in enterprises:
        if not enterprise_active(e, d) or not any(
            union_active(u, d) for u in grassroots_of(e["tax_code"])
        ):
            continue
        in_force = [
            a
            for a in registry.get("agreements", [])
            if a["enterprise_tax_code"] == e["tax_code"]
            and (a.get("signed_on") is None or a["signed_on"] <= d)
            and (a.get("expires_on") is None or d <= a["expires_on"])
        ]
        if not in_force:
            result.add(("collective_agreement.in_force", e["tax_code"], None, "violation"))
        elif all(
            a.get("expires_on") is not None and a["expires_on"] <= d + dt.timedelta(days=90)
            for a in in_force
        ):
            result.add(("collective_agreement.in_force", e["tax_code"], None, "at_risk"))

    # complaint.resolution
    for c in registry.get("complaints", []):
        accepted = c.get("accepted_on")
        if accepted is None:
            continue
        resolved = c.get("resolved_on")
        if resolved is not None and resolved <= d:
            continue
        allowed = 45 if c.get("complex") else 30
        if accepted + dt.timedelta(days=allowed) < d:
            result.add(("complaint.resolution", c["id"], None, "violation"))

    # union_fee.paid
    for f in registry.get("fee_payments", []):
        due, paid = f.get("amount_due"), f.get("amount_paid") or 0
        if due is not None and paid < due and f.get("due_on") is not None and f["due_on"] < d:
            result.add(("union_fee.paid", f["enterprise_tax_code"], f["period"], "violation"))

    return result


def _above(row: Row, part: str, whole: str) -> bool:
    return row.get(part) is not None and row.get(whole) is not None and row[part] > row[whole]


def _before(row: Row, earlier: str, later: str) -> bool:
    return row.get(earlier) is not None and row.get(later) is not None and row[later] < row[earlier]


def data_quality(registry: dict[str, list[Row]]) -> set[Key]:
    """The units whose rows are implausible, whatever the day: standing findings."""
    result: set[Key] = set()

    def add(rule: str, unit: str) -> None:
        result.add((f"data_quality.{rule}", unit, None, "violation"))

    for e in registry.get("enterprises", []):
        if _above(e, "female_workers", "workers"):
            add("enterprise_workers", e["tax_code"])
    for u in registry.get("unions", []):
        if _above(u, "female_members", "members"):
            add("union_members", u["code"])
        if _before(u, "founded_on", "dissolved_on"):
            add("union_dates", u["code"])
        if u.get("enterprise_tax_code") and u.get("kind") not in (None, "grassroots_union"):
            add("union_enterprise_link", u["code"])
    for a in registry.get("agreements", []):
        if _before(a, "signed_on", "expires_on"):
            add("agreement_dates", a["enterprise_tax_code"])
    for c in registry.get("complaints", []):
        pairs = (("received_on", "accepted_on"), ("accepted_on", "resolved_on"))
        if any(_before(c, a, b) for a, b in (*pairs, ("received_on", "resolved_on"))):
            add("complaint_dates", c["id"])
    for x in registry.get("chair_elections", []):
        if _before(x, "elected_on", "trained_on"):
            add("chair_election_dates", x["id"])
    return result
