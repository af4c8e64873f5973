"""The reference for ``compliance evaluate --format jsonl``: the eight contract rules written by
hand in SQL, run as a process of its own, writing the same JSONL (same fields, same order).

    python benchmarks/hand_sql.py DB.sqlite PARAMS.json > findings.jsonl

Only the standard library (sqlite3, json): what a developer would write without the project.
PARAMS.json holds the judged periods' bounds and labels, the rules' versions and parameters
(the driver, benchmarks/commands.py, computes them once); every value a finding prints is
computed here by SQL, the due dates included. benchmarks/hand_sql_pg.py runs the same SQL on
PostgreSQL: only the dialect's bits (DIALECTS) differ.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO

ACTIVE_U = (
    "(u.founded_on IS NULL OR u.founded_on <= {d}) "
    "AND (u.dissolved_on IS NULL OR u.dissolved_on > {d})"
)
ACTIVE_E = "e.status = 'active' AND (e.registered_on IS NULL OR e.registered_on <= {d})"
# What differs between the databases: adding days to a date, and the order of text keys (the
# engine sorts in Python, by code point: "C" on PostgreSQL whatever the server's locale).
DIALECTS = {
    "sqlite": {"plus_days": "date({date}, '+' || {days} || ' days')", "order": ""},
    "postgresql": {"plus_days": "{date} + {days}", "order": ' COLLATE "C"'},
}
C = "{order}"  # after every text key the rows are ordered by

# unit, unit_name, province_code, period, status, due — per rule, sorted by unit and period.
TEMPLATES = {
    "collective_agreement.in_force": f"""
        SELECT tax_code, name, province_code, NULL,
               CASE WHEN until IS NULL THEN 'violation' ELSE 'at_risk' END, until
        FROM (SELECT e.tax_code, e.name, e.province_code, (
                SELECT MAX(COALESCE(a.expires_on, '9999-12-31')) FROM agreements a
                WHERE a.enterprise_tax_code = e.tax_code
                AND (a.signed_on IS NULL OR a.signed_on <= :d)
                AND (a.expires_on IS NULL OR a.expires_on >= :d)) AS until
              FROM enterprises e
              WHERE {ACTIVE_E.format(d=":d")} AND EXISTS (
                SELECT 1 FROM unions u WHERE u.enterprise_tax_code = e.tax_code
                AND {ACTIVE_U.format(d=":d")})) AS agreement_until
        WHERE until IS NULL OR until <= :d90
        ORDER BY tax_code{C}""",
    "complaint.resolution": f"""
        SELECT c.id, u.name, u.province_code, NULL, 'violation', {{due}}
        FROM complaints c LEFT JOIN unions u ON u.code = c.union_code
        WHERE c.accepted_on IS NOT NULL AND (c.resolved_on IS NULL OR c.resolved_on > :d)
        AND ((c.complex = TRUE AND c.accepted_on < :d45)
             OR (COALESCE(c.complex, FALSE) = FALSE AND c.accepted_on < :d30))
        ORDER BY c.id{C}""",
    "finance.same_level_inspection": f"""
        SELECT u.code, u.name, u.province_code, :year, 'violation', :y1 FROM unions u
        WHERE u.kind IN ('direct_superior_union', 'provincial_federation')
        AND {ACTIVE_U.format(d=":y0")} AND {ACTIVE_U.format(d=":y1")} AND NOT EXISTS (
            SELECT 1 FROM inspections i WHERE i.target_code = u.code AND i.inspector_code = u.code
            AND i.kind = 'finance' AND i.date BETWEEN :y0 AND :y1)
        ORDER BY u.code{C}""",
    "rating.annual": f"""
        SELECT u.code, u.name, u.province_code, :year, 'violation', :y1 FROM unions u
        WHERE u.kind IN ('grassroots_union', 'direct_superior_union')
        AND {ACTIVE_U.format(d=":y0")} AND {ACTIVE_U.format(d=":y1")} AND NOT EXISTS (
            SELECT 1 FROM ratings r WHERE r.union_code = u.code AND r.year = :year_int)
        ORDER BY u.code{C}""",
    "review.quarterly": f"""
        SELECT u.code, u.name, u.province_code, :quarter, 'violation', :q1 FROM unions u
        WHERE u.kind = 'grassroots_union' AND {ACTIVE_U.format(d=":q0")}
        AND {ACTIVE_U.format(d=":q1")} AND NOT EXISTS (
            SELECT 1 FROM reviews r WHERE r.union_code = u.code AND r.date BETWEEN :q0 AND :q1)
        ORDER BY u.code{C}""",
    "union.establishment": f"""
        SELECT e.tax_code, e.name, e.province_code, NULL, 'violation', NULL FROM enterprises e
        WHERE {ACTIVE_E.format(d=":d")} AND e.workers >= 25 AND NOT EXISTS (
            SELECT 1 FROM unions u WHERE u.enterprise_tax_code = e.tax_code
            AND {ACTIVE_U.format(d=":d")})
        ORDER BY e.tax_code{C}""",
    "union_fee.paid": f"""
        SELECT f.enterprise_tax_code, e.name, e.province_code, f.period, 'violation', f.due_on
        FROM fee_payments f LEFT JOIN enterprises e ON e.tax_code = f.enterprise_tax_code
        WHERE f.amount_due IS NOT NULL AND COALESCE(f.amount_paid, 0) < f.amount_due
        AND f.due_on < :d
        ORDER BY f.enterprise_tax_code{C}, f.period{C}""",
    "workers_conference.annual": f"""
        SELECT e.tax_code, e.name, e.province_code, :year, 'violation', :y1 FROM enterprises e
        WHERE {ACTIVE_E.format(d=":y0")} AND EXISTS (
            SELECT 1 FROM unions u WHERE u.enterprise_tax_code = e.tax_code
            AND {ACTIVE_U.format(d=":y0")} AND {ACTIVE_U.format(d=":y1")})
        AND NOT EXISTS (
            SELECT 1 FROM conferences c WHERE c.enterprise_tax_code = e.tax_code
            AND c.kind = 'workers_conference' AND c.date BETWEEN :y0 AND :y1)
        ORDER BY e.tax_code{C}""",
}
COMPLAINT_DUE = {
    "date": "c.accepted_on",
    "days": "CASE WHEN c.complex THEN :complex_days ELSE :days END",
}
FIELDS = ("unit", "unit_name", "province_code", "period", "status", "due")


def statements(dialect: str) -> dict[str, str]:
    """The eight rules' SQL in ``dialect``, with ``:name`` parameters (sqlite3's style)."""
    bits = DIALECTS[dialect]
    due = bits["plus_days"].format(**COMPLAINT_DUE)
    return {rule: sql.format(order=bits["order"], due=due) for rule, sql in TEMPLATES.items()}


def pyformat(sql: str) -> str:
    """``:name`` → ``%(name)s``, the parameter style of psycopg (and of DB-API "pyformat")."""
    return re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", sql)


def _text(value: object) -> str:
    """Dates as SQLite stores them (ISO text): PostgreSQL's driver returns ``datetime.date``."""
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def write_findings(
    run: Callable[[str], Any], sql: dict[str, str], given: dict[str, Any], out: TextIO
) -> None:
    """Each rule's rows, in rule order, as the JSONL lines of ``compliance evaluate``.

    ``run(sql)`` executes one statement and returns a DB-API cursor (``fetchmany``)."""
    params, versions = given["params"], given["versions"]
    encode = json.JSONEncoder(ensure_ascii=False, default=_text).encode
    for rule in sorted(sql):
        cursor = run(sql[rule])
        while rows := cursor.fetchmany(5_000):
            out.write("".join(_lines(rule, rows, versions[rule], params["d"], encode)))
    out.flush()


def _lines(rule: str, rows: Iterable[Sequence[Any]], version: Any, as_of: str,
           encode: Callable[[Any], str]) -> list[str]:  # fmt: skip
    lines = []
    for unit, unit_name, province_code, period, status, due in rows:
        finding = {
            "rule": rule,
            "unit": unit,
            "period": period,
            "status": status,
            "due": due,
            "rule_version": version,
            "unit_name": unit_name,
            "province_code": province_code,
            "as_of": as_of,
        }
        lines.append(encode(finding) + "\n")
    return lines


def load(parameters: str) -> dict[str, Any]:
    with open(parameters, encoding="utf-8") as handle:
        return dict(json.load(handle))


def main(database: str, parameters: str) -> None:
    given = load(parameters)
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    sql = statements("sqlite")
    write_findings(lambda q: conn.execute(q, given["params"]), sql, given, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
