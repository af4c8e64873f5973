"""The page templates and the Vietnamese formatting they share (dates, numbers, labels)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates

from compliance.models.accounts import ROLE_VI, RUN_STATUS_VI
from compliance.models.followup import STATUS_VI
from compliance.review.queries import FINDING_STATUS_VI, SEVERITY_VI, fact_labels
from compliance.rules.model import Family
from compliance.rules.templates import date_vn as rule_date_vn
from compliance.rules.templates import number_vn
from compliance.settings import TIMEZONE
from compliance.vocabulary.facts import SUBJECTS
from compliance.vocabulary.subjects import FactType

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

ACTION_VI = {
    "opened": "mở việc",
    "resolved": "đã khắc phục",
    "reopened": "mở lại",
    "escalated": "chuyển cấp trên",
    "updated": "cập nhật",
    "confirmed": "xác nhận",
    "waived": "miễn trừ",
    "dismissed": "bác bỏ",
    "lapsed": "hết hạn miễn trừ",
    "user_added": "tạo tài khoản",
    "run_requested": "yêu cầu chạy kiểm tra",
}
FIELD_VI = {
    "status": "trạng thái",
    "assignee": "người phụ trách",
    "due_on": "hạn xử lý",
    "reason": "lý do",
    "waived_until": "miễn trừ đến",
    "approver": "người phê duyệt",
}


def date_vn(value: Any) -> str:
    """Dates as the rule texts write them; timestamps (stored in UTC) in Vietnam's time."""
    if isinstance(value, str) and value:
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return f"{value.astimezone(TIMEZONE):%d/%m/%Y %H:%M}"
    return rule_date_vn(value)


def plain(value: Any) -> str:
    """A value as a reviewer reads it, by its type: a string is shown as it is, whatever it
    looks like (an assignee or a name may be "ABCD-EF-GH"; it is not a date)."""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, (int, float)):
        return number_vn(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return date_vn(value)
    return "—" if value is None else str(value)


def as_date(value: Any) -> str:
    """A value of a field known to hold a date but stored as text (JSON): shown as a date when
    it is one, else as it is."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return plain(value)


# What the audit log's before/after hold as ISO text: the task's date fields.
DATE_FIELDS = frozenset({"due_on", "waived_until"})


def field_value(value: Any, field: str) -> str:
    """One before/after value of the audit log, by the field it belongs to."""
    return as_date(value) if field in DATE_FIELDS else plain(value)


def fact_value(value: Any, subject: str, fact: str) -> str:
    """A finding's fact, by the type its subject declares (dates are stored as ISO text)."""
    declared = SUBJECTS.get(subject)
    kind = declared.facts[fact].type if declared and fact in declared.facts else None
    return as_date(value) if kind is FactType.DATE else plain(value)


templates.env.filters.update(
    date_vn=date_vn,
    number=number_vn,
    plain=plain,
    field_value=field_value,
    fact_value=fact_value,
    status_vi=lambda s: STATUS_VI.get(s, s),
    severity_vi=lambda s: SEVERITY_VI.get(s, s),
    finding_vi=lambda s: FINDING_STATUS_VI.get(s, s),
    role_vi=lambda s: ROLE_VI.get(s, s),
    run_status_vi=lambda s: RUN_STATUS_VI.get(s, s),
    action_vi=lambda s: ACTION_VI.get(s, s),
    field_vi=lambda s: FIELD_VI.get(s, s),
)
templates.env.globals["fact_labels"] = fact_labels
# {% if row.rule is data_quality %}: a data-quality finding is shown as data to correct, never
# as the unit's breach.
templates.env.tests["data_quality"] = lambda rule: Family.of(str(rule)) is Family.DATA_QUALITY
