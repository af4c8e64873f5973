"""A run's findings as it saw them, stored as changes: what reviewers and reports read.

A whole run (``is_whole_run``) compares each finding with the previous whole run's by a digest of
everything a reader is shown that the run judged (status, due date, facts, thresholds, rule
version — which covers its texts —, unit name, province, severity): an unchanged finding extends
its row (``last_run_id``), a new or changed one gets a row, and one no longer found keeps its
row, closed at the run before. So an unchanged nightly run writes no finding row, and a year of
them grows the table by what changed (issue 15). A partial or historical run speaks for no one
else: it keeps rows of its own.

The explanation is rendered only for the rows written: it is the sentence of the day the
finding was first seen in this form ("… đến ngày 01/10/2026 chưa có công đoàn"), still true on
the later days its row covers. Were the day part of the digest, every nightly run would rewrite
every finding.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, select, update
from sqlalchemy.sql import ColumnElement

from compliance.bulk import JsonMemo, insert_rows
from compliance.engine.findings import Finding
from compliance.followup.runs import RunOutcome, period_key
from compliance.models.followup import ComplianceRun, RecordedFinding, is_whole_run

FINDINGS: Table = RecordedFinding.__table__  # type: ignore[attr-defined]
_RUNS: Table = ComplianceRun.__table__  # type: ignore[attr-defined]
_CHUNK = 5_000


def of_run(run_id: int, whole: bool, findings: Table = FINDINGS) -> ColumnElement[bool]:
    """The rows holding run ``run_id``'s findings: for a whole run, the rows whose span covers
    it; for a partial or historical one, its own."""
    if whole:
        return and_(findings.c.run_id <= run_id, findings.c.last_run_id >= run_id)
    return findings.c.run_id == run_id


def previous_whole_run(conn: Connection, run_id: int) -> int | None:
    """The newest whole run before ``run_id``: the one whose rows this run may extend."""
    rows = conn.execute(
        select(_RUNS.c.id, _RUNS.c.scope)
        .where(_RUNS.c.kind == "compliance", _RUNS.c.id < run_id)
        .order_by(_RUNS.c.id.desc())
        .limit(200)
    )
    return next((rid for rid, scope in rows if is_whole_run(scope)), None)


def _digest(row: dict[str, Any], memo: JsonMemo) -> str:
    parts = (
        row["status"], str(row["due"]), memo.text(row["facts"]), memo.text(row["params"]),
        row["rule_version"], str(row["unit_name"]), str(row["province_code"]), row["severity"],
    )  # fmt: skip
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).hexdigest()


def record_findings(
    conn: Connection,
    run_id: int,
    findings: Sequence[Finding],
    outcome: RunOutcome,
    memo: JsonMemo | None = None,
    whole: bool = False,
) -> None:
    """Record the run's findings (as changes for a whole run), and count them by status and by
    rule on ``outcome``."""
    memo = memo or JsonMemo()
    rows: list[dict[str, Any]] = []
    judged: dict[int, Finding] = {}  # id(row) → its finding, to explain the rows written
    for f in findings:
        outcome.findings[f.status] = outcome.findings.get(f.status, 0) + 1
        outcome.by_rule[f.rule] = outcome.by_rule.get(f.rule, 0) + 1
        province = outcome.by_province.setdefault(f.province_code or "", {})
        province[f.status] = province.get(f.status, 0) + 1
        assert f.loaded is not None
        row = {
            "run_id": run_id,
            "last_run_id": run_id,
            "rule": f.rule,
            "rule_version": f.rule_version,
            "unit": f.unit,
            "period_key": period_key(f),
            "status": f.status,
            "due": f.due,
            "unit_name": f.unit_name,
            "province_code": f.province_code,
            "severity": str(f.loaded.rule.severity),
            "facts": f.facts,  # serialised by insert_rows, dates as text
            "params": f.params,
        }
        row["digest"] = _digest(row, memo)
        rows.append(row)
        judged[id(row)] = f
    previous = previous_whole_run(conn, run_id) if whole else None
    if previous is not None:
        rows = _extend_unchanged(conn, previous, run_id, rows)
    for row in rows:
        row["explanation"] = judged[id(row)].explanation
    insert_rows(conn, FINDINGS, rows, memo)


def _extend_unchanged(
    conn: Connection, previous: int, run_id: int, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Extend to ``run_id`` the previous whole run's rows found again unchanged; the rest of
    ``rows`` (new or changed findings) are to be inserted."""
    f = FINDINGS
    seen = {
        (rule, unit, key, digest): row_id
        for row_id, rule, unit, key, digest in conn.execute(
            select(f.c.id, f.c.rule, f.c.unit, f.c.period_key, f.c.digest).where(
                of_run(previous, True)
            )
        )
    }
    kept: list[int] = []
    fresh: list[dict[str, Any]] = []
    for row in rows:
        row_id = seen.get((row["rule"], row["unit"], row["period_key"], row["digest"]))
        if row_id is None:
            fresh.append(row)
        else:
            kept.append(row_id)
    extend = update(f).where(f.c.id == bindparam("row_id")).values(last_run_id=run_id)
    for start in range(0, len(kept), _CHUNK):
        conn.execute(extend, [{"row_id": i} for i in kept[start : start + _CHUNK]])
    return fresh
