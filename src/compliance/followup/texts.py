"""What people read about a task: its title and body, its due day, and why a run changed it.

Everything here is Vietnamese text or a value shown to people; nothing here decides what
happens to a task (that is :mod:`compliance.followup.lifecycle`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from compliance.engine.findings import Finding
from compliance.followup.lifecycle import Event
from compliance.formatting import date_vn
from compliance.rules.render import render_or_fallback
from compliance.rules.validate import LoadedRule

# Why a run reopened a task: stored as the task's reason and as its history note.
REOPEN_REASONS: dict[Event, str] = {
    Event.RECURRED: "vi phạm tái diễn",
    Event.WAIVER_LAPSED: "miễn trừ đã hết hạn",
}
NO_LONGER_APPLIES = (
    "đơn vị không còn thuộc diện áp dụng (ngừng hoạt động, giải thể hoặc không còn số liệu)"
)
NO_LONGER_VIOLATED = "không còn vi phạm"


def task_texts(finding: Finding) -> tuple[str, str]:
    """The new task's title and body, from the rule's follow-up templates."""
    assert finding.loaded is not None
    context = finding.template_values
    follow_up = finding.loaded.rule.follow_up
    return (
        render_or_fallback(follow_up.title, context, finding.rule, "follow_up.title"),
        render_or_fallback(follow_up.body, context, finding.rule, "follow_up.body"),
    )


def due_on(finding: Finding, as_of: dt.date) -> dt.date:
    """The rule's follow-up days (a number, or the name of one of its parameters) after as_of."""
    assert finding.loaded is not None
    days = finding.loaded.rule.follow_up.due_in_days
    if isinstance(days, str):
        days = int(finding.params[days.removeprefix("$")])
    return as_of + dt.timedelta(days=days)


def resolve_reason(
    run_id: int,
    as_of: dt.date,
    loaded: LoadedRule,
    before: dict[str, Any],
    after: dict[str, Any] | None,
) -> str:
    """Why a run resolved a task: which facts changed, so nobody has to take it on trust."""
    return f"Lần chạy #{run_id} ngày {date_vn(as_of)}: {what_changed(loaded, before, after)}"


def escalation_note(days_overdue: int, from_label: str, to_label: str) -> str:
    return f"Quá hạn {days_overdue} ngày; chuyển {from_label} → {to_label}"


def what_changed(loaded: LoadedRule, before: dict[str, Any], after: dict[str, Any] | None) -> str:
    if after is None:
        return NO_LONGER_APPLIES
    # A programme item's facts are no subject's: its rule names them (engine.programme_rules).
    labels = getattr(loaded, "fact_labels", None) or {
        name: fact.label_vi for name, fact in loaded.facts.items()
    }
    values: dict[str, dict[Any, str]] = getattr(loaded, "fact_values", {})
    changes = []
    for name, new in after.items():
        old = before.get(name)
        if _comparable(old) != _comparable(new):
            spelled = values.get(name, {})
            old_text, new_text = spelled.get(old, shown(old)), spelled.get(new, shown(new))
            changes.append(f"{labels.get(name, name)}: {old_text} → {new_text}")
    return "; ".join(changes) or NO_LONGER_VIOLATED


def _comparable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def shown(value: Any) -> str:
    """A fact's value as people read it: dates dd/mm/yyyy, booleans có/không, none chưa có."""
    if value is None:
        return "chưa có"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, dt.date):
        return date_vn(value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return date_vn(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)
