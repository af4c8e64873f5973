"""The page templates and the Vietnamese formatting they share (dates, numbers, labels)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates

from compliance import formatting
from compliance.formatting import (
    ACTION_VI,
    DECISION_VI,
    FIELD_VI,
    FINDING_STATUS_VI,
    ROLE_VI,
    RUN_STATUS_VI,
    SEVERITY_VI,
    TASK_STATUS_VI,
    number_vn,
)
from compliance.registry.places import province_label
from compliance.review.casefile import fact_labels
from compliance.review.decisions import possible
from compliance.rules.model import Family, Rule
from compliance.vocabulary.facts import SUBJECTS
from compliance.vocabulary.subjects import FactType

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def date_vn(value: Any) -> str:
    """A date or timestamp as formatting.date_vn writes it; a value known to be a date but
    stored as ISO text (JSON) is read back first: a day stays a day, a timestamp is shown in
    Vietnam's time. Text that is neither is shown as it is."""
    if isinstance(value, str) and value:
        try:
            parsed: Any = (
                dt.date.fromisoformat(value)
                if len(value) == 10
                else dt.datetime.fromisoformat(value)
            )
        except ValueError:
            return value
        value = parsed
    return formatting.date_vn(value)


def plain(value: Any) -> str:
    """A value as a reviewer reads it, by its type: a string is shown as it is, whatever it
    looks like (an assignee or a name may be "ABCD-EF-GH"; it is not a date)."""
    return formatting.field_text("", value)


def field_value(value: Any, field: str) -> str:
    """One before/after value of the audit log, by the field it belongs to."""
    return formatting.field_text(field, value)


def fact_value(value: Any, owner: Rule | str, fact: str) -> str:
    """A finding's fact, by the type its rule (or subject) declares (dates are stored as ISO
    text); a rule's own facts (``facts:``) included."""
    declared = SUBJECTS.get(owner) if isinstance(owner, str) else None
    known = owner.known_facts() if isinstance(owner, Rule) else declared.facts if declared else {}
    kind = known[fact].type if fact in known else None
    return formatting.iso_date_text(value) if kind is FactType.DATE else plain(value)


templates.env.filters.update(
    date_vn=date_vn,
    number=number_vn,
    plain=plain,
    field_value=field_value,
    fact_value=fact_value,
    status_vi=lambda s: TASK_STATUS_VI.get(s, s),
    severity_vi=lambda s: SEVERITY_VI.get(s, s),
    finding_vi=lambda s: FINDING_STATUS_VI.get(s, s),
    role_vi=lambda s: ROLE_VI.get(s, s),
    run_status_vi=lambda s: RUN_STATUS_VI.get(s, s),
    decision_vi=lambda s: DECISION_VI.get(str(s), s),
    province_vi=province_label,
    subject_vi=lambda kind: SUBJECTS[kind].label_vi if kind in SUBJECTS else kind,
    action_vi=lambda s: ACTION_VI.get(s, s),
    field_vi=lambda s: FIELD_VI.get(s, s),
    event_kind_vi=formatting.event_kind_vi,
)
templates.env.globals["fact_labels"] = fact_labels
templates.env.globals["possible_decisions"] = possible
# {% if row.rule is data_quality %}: a data-quality finding is shown as data to correct, never
# as the unit's breach.
templates.env.tests["data_quality"] = lambda rule: Family.of(str(rule)) is Family.DATA_QUALITY
