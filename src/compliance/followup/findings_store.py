"""A run's findings as it saw them, stored as changes: what reviewers and reports read.

A whole run (``is_whole_run``) compares each finding with the previous whole run's by a digest of
everything a reader is shown that the run judged (status, due date, facts, thresholds, rule
version — which covers its texts —, unit name, province, severity): an unchanged finding's row
stays open (``last_run_id`` NULL: seen up to the latest whole run), a new or changed one gets
a row, and one no longer found keeps its row, closed at the run before. So an unchanged nightly
run writes nothing to the table, and a year of them grows it by what changed (issue 15). A
partial or historical run speaks for no one else: it keeps rows of its own, closed.

A row keeps no sentence: it names its rule's texts (``finding_texts``, stored once per rule
version and citation) and readers render the explanation from them and the row
(``compliance.review.explain``) — the sentence of the day the finding was first seen in this
form ("… đến ngày 01/10/2026 chưa có công đoàn"), still true on the later days its row covers.
Were the day part of the digest, every nightly run would rewrite every finding.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, or_, select, update
from sqlalchemy.sql import ColumnElement

from compliance.bulk import JsonMemo, insert_rows, json_text
from compliance.engine.findings import Finding
from compliance.followup.runs import RunOutcome, period_key
from compliance.models.followup import (
    ComplianceRun,
    FindingTexts,
    RecordedFinding,
    is_whole_run,
)

FINDINGS: Table = RecordedFinding.__table__  # type: ignore[attr-defined]
TEXTS: Table = FindingTexts.__table__  # type: ignore[attr-defined]
_RUNS: Table = ComplianceRun.__table__  # type: ignore[attr-defined]
_CHUNK = 5_000


def of_run(run_id: int, whole: bool, findings: Table = FINDINGS) -> ColumnElement[bool]:
    """The rows holding run ``run_id``'s findings: for a whole run, the rows whose span covers
    it (an open span, ``last_run_id`` NULL, runs to the latest whole run); for a partial or
    historical one, its own."""
    if whole:
        last = findings.c.last_run_id
        return and_(findings.c.run_id <= run_id, or_(last.is_(None), last >= run_id))
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
    rule on ``outcome``. A chunk at a time: a national first run writes ~230,000 rows, and
    holding every row and its sentence at once cost more memory than the findings themselves."""
    memo = memo or JsonMemo()
    previous = previous_whole_run(conn, run_id) if whole else None
    seen = _rows_of(conn, previous) if previous is not None else {}
    texts = _texts(conn, findings)
    kept: set[int] = set()
    for start in range(0, len(findings), _CHUNK):
        chunk = findings[start : start + _CHUNK]
        fresh: list[dict[str, Any]] = []
        for finding in chunk:
            row = _row(run_id, finding, outcome, memo, whole)
            row_id = seen.get((row["rule"], row["unit"], row["period_key"], row["digest"]))
            if row_id is None:
                row["texts"] = texts[finding.rule]
                fresh.append(row)
            else:
                kept.add(row_id)
        insert_rows(conn, FINDINGS, fresh, memo)
    if previous is not None:
        _close_dropped(conn, previous, [i for i in seen.values() if i not in kept])


def _texts(conn: Connection, findings: Sequence[Finding]) -> dict[str, str]:
    """Rule id → the id of its texts (stored once: ``finding_texts``), for the rules found."""
    rules = {f.rule: f.loaded for f in findings}
    wanted: dict[str, dict[str, Any]] = {}
    for loaded in rules.values():
        assert loaded is not None
        rule = loaded.rule
        record = {
            "rule": rule.id, "version": loaded.version, "title": rule.title,
            "template": rule.explanation, "basis": loaded.basis, "citation": loaded.citation,
            "period": str(rule.period) if rule.period else None,
            "source": rule.source.model_dump(mode="json"),
        }  # fmt: skip
        text = json_text(record).encode()
        record["id"] = hashlib.blake2b(text, digest_size=8).hexdigest()
        wanted[record["id"]] = record
    t = TEXTS
    known = {i for (i,) in conn.execute(select(t.c.id).where(t.c.id.in_(list(wanted))))}
    insert_rows(conn, t, [r for i, r in wanted.items() if i not in known])
    return {r["rule"]: i for i, r in wanted.items()}


def _row(
    run_id: int, f: Finding, outcome: RunOutcome, memo: JsonMemo, whole: bool
) -> dict[str, Any]:
    """The finding's row (without its sentence), counted on ``outcome``; a whole run's is
    open-ended (seen until a later whole run no longer finds it so)."""
    outcome.findings[f.status] = outcome.findings.get(f.status, 0) + 1
    outcome.by_rule[f.rule] = outcome.by_rule.get(f.rule, 0) + 1
    province = outcome.by_province.setdefault(f.province_code or "", {})
    province[f.status] = province.get(f.status, 0) + 1
    assert f.loaded is not None
    row = {
        "run_id": run_id,
        "last_run_id": None if whole else run_id,
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
    return row


def _rows_of(conn: Connection, previous: int) -> dict[tuple[str, str, str, str], int]:
    """The previous whole run's rows by what they judged: the ones this run may extend."""
    f = FINDINGS
    return {
        (rule, unit, key, digest): row_id
        for row_id, rule, unit, key, digest in conn.execute(
            select(f.c.id, f.c.rule, f.c.unit, f.c.period_key, f.c.digest).where(
                of_run(previous, True)
            )
        ).all()  # fetched at once: row by row costs more than the read (234,384 rows)
    }


def _close_dropped(conn: Connection, previous: int, dropped: list[int]) -> None:
    """The previous whole run's rows run on, open-ended, except those not found again
    unchanged (``dropped``, few on a nightly run), which close at ``previous``. An unchanged
    rerun writes nothing: updating every row's last run made SQLite split its packed pages
    (+3.6 MiB nationally) and PostgreSQL write a new version of each row (+11.8 MiB a province).
    """
    f = FINDINGS
    close = update(f).where(f.c.id == bindparam("row_id")).values(last_run_id=previous)
    for start in range(0, len(dropped), _CHUNK):
        conn.execute(close, [{"row_id": i} for i in dropped[start : start + _CHUNK]])
