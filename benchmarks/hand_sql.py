"""The reference for ``compliance evaluate --format jsonl``: the eight contract rules written by
hand in SQL, run as a process of its own, writing the same JSONL (same fields, same order).

    python benchmarks/hand_sql.py DB.sqlite PARAMS.json > findings.jsonl

Only the standard library (sqlite3, json): what a developer would write without the project.
PARAMS.json holds the judged periods' bounds and labels, the rules' versions and parameters
(the driver, benchmarks/commands.py, computes them once); every value a finding prints is
computed here by SQL, the due dates included.
"""

from __future__ import annotations

import json
import sqlite3
import sys

ACTIVE_U = (
    "(u.founded_on IS NULL OR u.founded_on <= {d}) "
    "AND (u.dissolved_on IS NULL OR u.dissolved_on > {d})"
)
ACTIVE_E = "e.status = 'active' AND (e.registered_on IS NULL OR e.registered_on <= {d})"

# unit, unit_name, province_code, period, status, due — per rule, sorted by unit and period.
SQL = {
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
        ORDER BY tax_code""",
    "complaint.resolution": """
        SELECT c.id, u.name, u.province_code, NULL, 'violation',
               date(c.accepted_on, '+' || CASE WHEN c.complex THEN :complex_days
                                                ELSE :days END || ' days')
        FROM complaints c LEFT JOIN unions u ON u.code = c.union_code
        WHERE c.accepted_on IS NOT NULL AND (c.resolved_on IS NULL OR c.resolved_on > :d)
        AND ((c.complex = TRUE AND c.accepted_on < :d45)
             OR (COALESCE(c.complex, FALSE) = FALSE AND c.accepted_on < :d30))
        ORDER BY c.id""",
    "finance.same_level_inspection": f"""
        SELECT u.code, u.name, u.province_code, :year, 'violation', :y1 FROM unions u
        WHERE u.kind IN ('direct_superior_union', 'provincial_federation')
        AND {ACTIVE_U.format(d=":y0")} AND {ACTIVE_U.format(d=":y1")} AND NOT EXISTS (
            SELECT 1 FROM inspections i WHERE i.target_code = u.code AND i.inspector_code = u.code
            AND i.kind = 'finance' AND i.date BETWEEN :y0 AND :y1)
        ORDER BY u.code""",
    "rating.annual": f"""
        SELECT u.code, u.name, u.province_code, :year, 'violation', :y1 FROM unions u
        WHERE u.kind IN ('grassroots_union', 'direct_superior_union')
        AND {ACTIVE_U.format(d=":y0")} AND {ACTIVE_U.format(d=":y1")} AND NOT EXISTS (
            SELECT 1 FROM ratings r WHERE r.union_code = u.code AND r.year = :year_int)
        ORDER BY u.code""",
    "review.quarterly": f"""
        SELECT u.code, u.name, u.province_code, :quarter, 'violation', :q1 FROM unions u
        WHERE u.kind = 'grassroots_union' AND {ACTIVE_U.format(d=":q0")}
        AND {ACTIVE_U.format(d=":q1")} AND NOT EXISTS (
            SELECT 1 FROM reviews r WHERE r.union_code = u.code AND r.date BETWEEN :q0 AND :q1)
        ORDER BY u.code""",
    "union.establishment": f"""
        SELECT e.tax_code, e.name, e.province_code, NULL, 'violation', NULL FROM enterprises e
        WHERE {ACTIVE_E.format(d=":d")} AND e.workers >= 25 AND NOT EXISTS (
            SELECT 1 FROM unions u WHERE u.enterprise_tax_code = e.tax_code
            AND {ACTIVE_U.format(d=":d")})
        ORDER BY e.tax_code""",
    "union_fee.paid": """
        SELECT f.enterprise_tax_code, e.name, e.province_code, f.period, 'violation', f.due_on
        FROM fee_payments f LEFT JOIN enterprises e ON e.tax_code = f.enterprise_tax_code
        WHERE f.amount_due IS NOT NULL AND COALESCE(f.amount_paid, 0) < f.amount_due
        AND f.due_on < :d
        ORDER BY f.enterprise_tax_code, f.period""",
    "workers_conference.annual": f"""
        SELECT e.tax_code, e.name, e.province_code, :year, 'violation', :y1 FROM enterprises e
        WHERE {ACTIVE_E.format(d=":y0")} AND EXISTS (
            SELECT 1 FROM unions u WHERE u.enterprise_tax_code = e.tax_code
            AND {ACTIVE_U.format(d=":y0")} AND {ACTIVE_U.format(d=":y1")})
        AND NOT EXISTS (
            SELECT 1 FROM conferences c WHERE c.enterprise_tax_code = e.tax_code
            AND c.kind = 'workers_conference' AND c.date BETWEEN :y0 AND :y1)
        ORDER BY e.tax_code""",
}
FIELDS = ("unit", "unit_name", "province_code", "period", "status", "due")


def main(database: str, parameters: str) -> None:
    with open(parameters, encoding="utf-8") as handle:
        given = json.load(handle)
    params, versions = given["params"], given["versions"]
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    encode = json.JSONEncoder(ensure_ascii=False).encode
    out = sys.stdout
    for rule in sorted(SQL):
        cursor = conn.execute(SQL[rule], params)
        while rows := cursor.fetchmany(5_000):
            lines = []
            for row in rows:
                finding = {"rule": rule, **dict(zip(FIELDS, row, strict=True))}
                due = finding.pop("due")
                finding = {
                    "rule": rule,
                    "unit": finding["unit"],
                    "period": finding["period"],
                    "status": finding["status"],
                    "due": due,
                    "rule_version": versions[rule],
                    "unit_name": finding["unit_name"],
                    "province_code": finding["province_code"],
                    "as_of": params["d"],
                }
                lines.append(encode(finding) + "\n")
            out.write("".join(lines))
    out.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
