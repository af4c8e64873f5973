"""Evaluation split by province, so shares of the country can run in parallel (Dask workers).

Evaluation only reads and each unit belongs to one province, so the findings of the shares,
put together and sorted, are exactly the findings of one evaluation over the whole scope. The
shares are balanced by registry size (enterprises and unions per province) rather than one per
province: each share costs a task and a pass over the tables, and 34 uneven provinces on two
workers would leave one idle. The last share is "every other province, or none", so a unit whose
province is missing or unknown is still judged, once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, func, select, union_all

from compliance.engine.evaluate import Partition, Selection
from compliance.engine.findings import Finding
from compliance.rules.loaded import LoadedRule
from compliance.vocabulary.subjects import registry_table


def province_sizes(conn: Connection) -> dict[str, int]:
    """Enterprises plus unions per province code (units without a province are not counted)."""
    rows = union_all(
        select(registry_table("enterprises").c.province_code.label("p")),
        select(registry_table("unions").c.province_code.label("p")),
    ).subquery()
    statement = select(rows.c.p, func.count()).where(rows.c.p.is_not(None)).group_by(rows.c.p)
    return {code: int(n) for code, n in conn.execute(statement)}


def partitions(sizes: dict[str, int], count: int) -> list[Partition]:
    """At most ``count`` shares of the provinces, largest first into the lightest share."""
    count = max(1, min(count, len(sizes) or 1))
    shares: list[tuple[int, list[str]]] = [(0, []) for _ in range(count)]
    for code, size in sorted(sizes.items(), key=lambda item: (-item[1], item[0])):
        lightest = min(range(count), key=lambda i: (shares[i][0], i))
        total, codes = shares[lightest]
        shares[lightest] = (total + size, codes + [code])
    result = [Partition(frozenset(codes)) for _, codes in shares[:-1]]
    others = frozenset(code for _, codes in shares[:-1] for code in codes)
    return result + [Partition(others, rest=True)]


def scopes(conn: Connection, scope: Selection, count: int) -> list[Selection]:
    """The scope split into shares; a province or unit scope is small and stays whole."""
    if scope.province or scope.units or count <= 1:
        return [scope]
    return [replace(scope, partition=p) for p in partitions(province_sizes(conn), count)]


# A share's findings as they travel back from a worker: per (rule, period, facts) group, what
# they share once, then one plain tuple per finding. Pickling 50,000 Finding objects (each with
# its dicts) cost 1–3.5 s per share, unpickled in the flow's process while the workers still
# need both cores; plain tuples cost a fraction of that.
Header = tuple[str, str, Any, Any, Any, tuple[str, ...]]  # rule, version, as_of, params, period
Packed = list[tuple[Header, list[tuple[Any, ...]]]]


def pack(findings: Iterable[Finding]) -> Packed:
    groups: dict[tuple[Any, ...], tuple[Header, list[tuple[Any, ...]]]] = {}
    for f in findings:
        names = tuple(f.facts)
        key = (f.rule, f.rule_version, f.as_of, id(f.params), f.period_bounds, names)
        group = groups.get(key)
        if group is None:
            header = (f.rule, f.rule_version, f.as_of, f.params, f.period_bounds, names)
            group = groups[key] = (header, [])
        group[1].append(
            (f.unit, f.period, f.status, f.unit_name, f.province_code, tuple(f.facts.values()))
        )
    return list(groups.values())


def unpack(packed: Packed, rules: dict[str, LoadedRule]) -> list[Finding]:
    """The findings again, each with its rule as this process loaded it."""
    findings: list[Finding] = []
    for (rule, version, as_of, params, bounds, names), rows in packed:
        loaded = rules[rule]
        findings += [
            Finding(rule, unit, period, status, version, name, province, as_of,
                    dict(zip(names, values, strict=True)), params, bounds, loaded)
            for unit, period, status, name, province, values in rows
        ]  # fmt: off
    return findings


def merge(shares: Iterable[list[Finding]]) -> list[Finding]:
    """The shares' findings in ``evaluate``'s order (by rule, unit, period)."""
    findings = [f for share in shares for f in share]
    return sorted(findings, key=lambda f: (f.rule, f.unit, f.period or ""))
