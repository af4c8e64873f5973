"""A recorded finding's explanation, rendered when it is read.

Runs store no sentence with a finding (issue 15): a row names its rule's texts
(``finding_texts``: the template, the basis and the citation of that rule version) and keeps
what the run judged — facts, thresholds, status, due day, unit — and the run it was first seen
in gives the day. Rendering them again gives the sentence the run would have stored
(``compliance.engine.findings.template_context`` is the one shape both use; a test compares
them). Rows written before migration 0014 keep their stored sentence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from compliance.engine.findings import sentence, template_context
from compliance.models.followup import ComplianceRun, FindingTexts
from compliance.vocabulary.periods import PeriodKind, parse_period

_RUNS: Any = ComplianceRun.__table__  # type: ignore[attr-defined]
_TEXTS: Any = FindingTexts.__table__  # type: ignore[attr-defined]
# Facts and thresholds come back from JSON with their dates as ISO text ("2026-10-01", and
# timestamps as str() wrote them): the templates' date filters need them as dates again.
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2})?")


def explain(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Fill in ``explanation`` of the finding rows that keep none (one read of their texts
    and runs, however many rows)."""
    missing = [r for r in rows if r.get("explanation") is None and r.get("texts")]
    if not missing:
        return
    texts = {
        row.id: row
        for row in conn.execute(
            select(_TEXTS).where(_TEXTS.c.id.in_({r["texts"] for r in missing}))
        )
    }
    days = dict(
        conn.execute(
            select(_RUNS.c.id, _RUNS.c.as_of).where(_RUNS.c.id.in_({r["run_id"] for r in missing}))
        ).all()
    )
    for row in missing:
        text = texts.get(row["texts"])
        if text is not None:
            row["explanation"] = explanation(row, text, days[row["run_id"]])


def explanation(row: dict[str, Any], text: Any, as_of: dt.date) -> str:
    """The sentence of ``row`` (a finding as stored) from its rule's ``text`` on ``as_of``."""
    facts = {k: _typed(v) for k, v in (row.get("facts") or {}).items()}
    params = {k: _typed(v) for k, v in (row.get("params") or {}).items()}
    key = row.get("period_key") or None
    kind = PeriodKind(text.period) if text.period else PeriodKind.NONE
    period = parse_period(kind, key) if key and kind is not PeriodKind.NONE else key
    values = template_context(
        row["rule"], row["unit"], row.get("unit_name"), row.get("province_code"), facts,
        params, as_of, period, text.title, row["rule_version"], text.source, row["status"],
    )  # fmt: skip
    values["due"] = _typed(row.get("due"))
    return sentence(text.template, values, row["rule"], text.basis, text.citation)


def _typed(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if _DAY.fullmatch(value):
        return dt.date.fromisoformat(value)
    if _MOMENT.fullmatch(value):
        return dt.datetime.fromisoformat(value)
    return value
