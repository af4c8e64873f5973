"""A run's findings as it saw them: what reviewers and reports read without re-evaluating."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from compliance.bulk import JsonMemo, insert_rows
from compliance.engine.findings import Finding
from compliance.followup.runs import RunOutcome, period_key
from compliance.models.followup import RecordedFinding


def record_findings(
    conn: Connection,
    run_id: int,
    findings: Sequence[Finding],
    outcome: RunOutcome,
    memo: JsonMemo | None = None,
) -> None:
    """Write every finding of the run, and count them by status and by rule on ``outcome``."""
    rows: list[dict[str, Any]] = []
    for f in findings:
        outcome.findings[f.status] = outcome.findings.get(f.status, 0) + 1
        outcome.by_rule[f.rule] = outcome.by_rule.get(f.rule, 0) + 1
        assert f.loaded is not None
        rows.append(
            {
                "run_id": run_id,
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
                "explanation": f.explanation,
            }
        )
    insert_rows(conn, RecordedFinding.__table__, rows, memo)  # type: ignore[attr-defined]
