"""Target figures computed in plain Python over the registry's rows: no SQL, no shared code.

The scorecard's SQL must agree with this straightforward reading of each population and
measure (see compliance.rules.target_format for their Vietnamese definitions).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import Engine, MetaData, select

from compliance.rules.target_format import Target

TABLES = ("enterprises", "unions", "union_superiors", "agreements", "conferences", "ratings",
          "inspections", "complaints", "follow_up_tasks", "events")  # fmt: skip


def read_registry(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    meta = MetaData()
    meta.reflect(engine, only=TABLES)
    with engine.connect() as conn:
        return {
            name: [dict(r._mapping) for r in conn.execute(select(meta.tables[name]))]
            for name in TABLES
        }


def _e_active(e: dict[str, Any], day: dt.date) -> bool:
    return e["status"] == "active" and (e["registered_on"] is None or e["registered_on"] <= day)


def _u_active(u: dict[str, Any], day: dt.date) -> bool:
    founded, dissolved = u["founded_on"], u["dissolved_on"]
    return (founded is None or founded <= day) and (dissolved is None or dissolved > day)


class Oracle:
    def __init__(self, reg: dict[str, list[dict[str, Any]]], as_of: dt.date) -> None:
        self.reg, self.as_of = reg, as_of
        self.enterprises = {e["tax_code"]: e for e in reg["enterprises"]}
        self.unions = {u["code"]: u for u in reg["unions"]}

    def superior(self, code: str, day: dt.date) -> str | None:
        for span in self.reg["union_superiors"]:
            if span["union_code"] != code:
                continue
            if (span["valid_from"] is None or span["valid_from"] <= day) and (
                span["valid_until"] is None or span["valid_until"] > day
            ):
                return span["superior_code"]
        return None

    def grassroots(self, tax: str, days: tuple[dt.date, ...]) -> list[dict[str, Any]]:
        return sorted(
            (u for u in self.reg["unions"] if u["enterprise_tax_code"] == tax
             and all(_u_active(u, d) for d in days)),
            key=lambda u: u["code"],
        )  # fmt: skip

    def waived(self, rule: str | None, year: int) -> set[str]:
        if not rule:
            return set()
        return {
            t["unit"] for t in self.reg["follow_up_tasks"]
            if t["rule"] == rule and t["status"] == "waived" and t["waived_until"] is not None
            and t["waived_until"] >= self.as_of and t["period_key"] in ("", str(year))
        }  # fmt: skip

    def figure(self, target: Target, year: int) -> tuple[float, float, dict[Any, list[float]]]:
        """(numerator, denominator, by direct-superior group) for ``year`` as of the day."""
        province = target.province.code
        start, year_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        day, end = min(year_end, self.as_of), min(year_end, self.as_of - dt.timedelta(days=1))
        pop = target.population
        assert pop is not None
        sectors = set(pop.sectors)
        units: list[tuple[str, Any, float, float]] = []  # unit, group, num, den
        if pop.name.startswith("enterprises"):
            whole = pop.name.endswith("whole_year")
            days = (start, year_end) if whole else (day,)
            for e in self.enterprises.values():
                if e["province_code"] != province or not all(_e_active(e, d) for d in days):
                    continue
                if sectors and e["sector"] not in sectors:
                    continue
                unions = self.grassroots(e["tax_code"], days)
                if pop.name in ("enterprises_with_union", "enterprises_with_union_whole_year") and (
                    not unions
                ):
                    continue
                if pop.name == "enterprises_25_workers" and not (e["workers"] or 0) >= 25:
                    continue
                if pop.name == "enterprises_with_workers" and not (e["workers"] or 0) > 0:
                    continue
                group = self.superior(unions[0]["code"], days[-1]) if unions else None
                num, den = self._enterprise_measure(target.measure, e, unions, day, start, end)
                units.append((e["tax_code"], group, num, den))
        elif pop.name == "complaints_accepted":
            for c in self.reg["complaints"]:
                u = self.unions[c["union_code"]]
                accepted = c["accepted_on"]
                if u["province_code"] != province or accepted is None:
                    continue
                if not start <= accepted <= end:
                    continue
                resolved = c["resolved_on"] is not None and c["resolved_on"] < self.as_of
                if u["kind"] == "direct_superior_union":
                    group = u["code"]
                elif u["kind"] in ("grassroots_union", "guild"):
                    group = self.superior(u["code"], end)
                else:
                    group = None
                units.append((c["id"], group, float(resolved), 1.0))
        else:
            kinds = set(pop.union_kinds) or {
                "member_unions": {"grassroots_union", "guild"},
                "grassroots_unions_with_enterprise": {"grassroots_union"},
                "grassroots_unions_founded": {"grassroots_union"},
            }.get(pop.name, {"grassroots_union", "guild", "direct_superior_union",
                             "provincial_federation"})  # fmt: skip
            for u in self.unions.values():
                if u["province_code"] != province or u["kind"] not in kinds:
                    continue
                e = self.enterprises.get(u["enterprise_tax_code"] or "")
                if sectors and (e is None or e["sector"] not in sectors):
                    continue
                if pop.name == "unions_whole_year":
                    days = (start, year_end)
                elif pop.name == "grassroots_unions_founded":
                    days = ()
                    if u["founded_on"] is None or not start <= u["founded_on"] <= end:
                        continue
                else:
                    days = (day,)
                if not all(_u_active(u, d) for d in days):
                    continue
                if pop.name == "grassroots_unions_with_enterprise" and e is None:
                    continue
                group = self.superior(u["code"], days[-1] if days else day)
                num, den = self._union_measure(target.measure, u, e, year, start, end)
                units.append((u["code"], group, num, den))
        excluded = self.waived(target.waiver_rule, year)
        groups: dict[Any, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for unit, group, num, den in units:
            if unit in excluded:
                continue
            groups[group][0] += num
            groups[group][1] += den
        return (sum(g[0] for g in groups.values()), sum(g[1] for g in groups.values()),
                dict(groups))  # fmt: skip

    def _enterprise_measure(self, measure: str | None, e: dict[str, Any],
                            unions: list[dict[str, Any]], day: dt.date, start: dt.date,
                            end: dt.date) -> tuple[float, float]:  # fmt: skip
        tax = e["tax_code"]
        if measure == "has_grassroots_union":
            return float(bool(unions)), 1.0
        if measure == "agreement_in_force":
            ok = any(
                a["enterprise_tax_code"] == tax
                and (a["signed_on"] is None or a["signed_on"] <= day)
                and (a["expires_on"] is None or a["expires_on"] >= day)
                for a in self.reg["agreements"]
            )
            return float(ok), 1.0
        if measure in ("workers_conference_held", "dialogue_held"):
            kind = "workers_conference" if measure == "workers_conference_held" else "dialogue"
            held = any(
                k["enterprise_tax_code"] == tax and k["kind"] == kind
                and k["date"] is not None and start <= k["date"] <= end
                for k in self.reg["conferences"]
            )  # fmt: skip
            return float(held), 1.0
        if measure == "organised_workers":
            members = sum(u["members"] or 0 for u in unions)
            return float(min(members, e["workers"])), float(e["workers"])
        raise AssertionError(measure)

    def _union_measure(self, measure: str | None, u: dict[str, Any], e: dict[str, Any] | None,
                       year: int, start: dt.date, end: dt.date) -> tuple[float, float]:  # fmt: skip
        code = u["code"]
        if measure == "members":
            return float(u["members"] or 0), 0.0
        if measure == "counted":
            return 1.0, 1.0
        if measure == "phantom_members":
            workers = e["workers"] if e else None
            phantom = u["members"] is not None and workers is not None and u["members"] > workers
            return float(phantom), 1.0
        if measure == "rated_good":
            good = any(
                r["union_code"] == code
                and r["year"] == year
                and r["grade"] in ("excellent", "good")
                for r in self.reg["ratings"]
            )
            return float(good), 1.0  # fmt: skip
        inspections = [
            i for i in self.reg["inspections"]
            if i["target_code"] == code and i["date"] is not None and start <= i["date"] <= end
        ]  # fmt: skip
        if measure == "inspected_by_federation":
            feds = {c for c, x in self.unions.items() if x["kind"] == "provincial_federation"}
            return float(any(i["inspector_code"] in feds for i in inspections)), 1.0
        if measure == "same_level_finance_inspection":
            return float(any(i["kind"] == "finance" and i["inspector_code"] == code
                             for i in inspections)), 1.0  # fmt: skip
        events = [
            v["kind"] for v in self.reg["events"]
            if v["unit_code"] == code and v["date"] is not None and start <= v["date"] <= end
        ]  # fmt: skip
        if measure == "housing_handovers":
            return float(events.count("housing_handover")), 0.0
        kind, event = {
            "finance_inspected_by_superior": ("finance", "finance_inspection_by_superior"),
            "charter_inspected_by_superior": ("charter", "charter_supervision"),
        }[measure or ""]
        return float(any(i["kind"] == kind and i["inspector_code"] != code for i in inspections)
                     or event in events), 1.0  # fmt: skip
