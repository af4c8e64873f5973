"""The naive durable-rules baseline: every unit's facts asserted into one ruleset state.

This is what "just use the rule engine" looks like: for each rule, one ruleset, one state, every
unit a fact in it, the findings collected by the actions. It is the baseline the issue names, not
a way to run: notes.md measured that one state holds at most ~77,000 facts before two fact ids
collide on durable-rules' 32-bit hash (a fact is then rejected, or another unit's is returned).
So at most ``limit`` facts per rule are asserted; the rest of the time is extrapolated from that
slice, and the output says so. Run in a process of its own (the C core may crash).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from compliance.engine.evaluate import Selection, plans, unit_facts
from compliance.rules.loaded import LoadedRule
from compliance.vocabulary import conditions


def _host(hits: dict[str, list[str]]) -> Any:
    from durable.engine import Host

    class NaiveHost(Host):  # type: ignore[misc]
        def _run(self) -> None:
            """No timer threads: they race the C engine (notes.md); actions run inline."""

        def get_action(self, action_name: str) -> Any:
            def act(context: Any) -> None:
                hits[action_name].append(context.m["_key"])

            return act

    return NaiveHost()


def naive_durable(
    conn: Connection, rules: Sequence[LoadedRule], as_of: dt.date, limit: int
) -> dict[str, Any]:
    """Findings and timings of the naive evaluation, extrapolated past ``limit`` facts a rule."""
    read_s = assert_s = 0.0
    asserted = total = rejected = 0
    findings: set[tuple[str, str, str | None, str]] = set()
    sliced_keys: set[tuple[str, str, str | None]] = set()
    extrapolated_assert_s = 0.0
    for number, plan in enumerate(plans(rules, as_of, Selection())):
        started = time.perf_counter()
        rows = unit_facts(conn, plan, Selection())
        read_s += time.perf_counter() - started
        hits: dict[str, list[str]] = {"violation": [], "at_risk": [], "seen": []}
        host = _host(hits)
        name = f"naive_{number}"
        definition = {
            "seen": {"all": [{"m": {"$ex": {"_fact": 1}}}], "run": "seen"},
            "violation": {
                "all": [{"m": conditions.to_durable(plan.violation)}],
                "run": "violation",
            },
        }
        if plan.at_risk is not None:
            definition["at_risk"] = {
                "all": [{"m": conditions.to_durable(plan.at_risk)}],
                "run": "at_risk",
            }
        host.set_rulesets({name: definition})
        part = rows[:limit]
        started = time.perf_counter()
        for index, row in enumerate(part):
            fact = conditions.durable_fact(dict(zip(plan.fact_names, row[4:], strict=True)))
            fact.update(_fact=1, _key=str(index), id=f"{row[0]}|{row[3] or ''}", sid="all")
            try:
                host.assert_fact(name, fact)
            except Exception:  # a 32-bit id collision: durable-rules refuses the fact
                rejected += 1
        seconds = time.perf_counter() - started
        assert_s += seconds
        extrapolated_assert_s += seconds * (len(rows) / len(part)) if part else 0.0
        asserted += len(part)
        total += len(rows)
        violations = {int(k) for k in hits["violation"]}
        for index in {int(k) for k in hits["at_risk"]} | violations:
            row = part[index]
            status = "violation" if index in violations else "at_risk"
            findings.add((plan.loaded.id, row[0], row[3], status))
        sliced_keys.update((plan.loaded.id, row[0], row[3]) for row in part)
    return {
        "read_s": read_s,
        "assert_s": assert_s,
        "estimated_s": read_s + extrapolated_assert_s,
        "asserted": asserted,
        "facts": total,
        "rejected": rejected,
        "findings": findings,
        "sliced_keys": sliced_keys,
    }
