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
    """A fact or registry value as a reviewer reads it."""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, (int, float)):
        return number_vn(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return date_vn(value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return date_vn(dt.date.fromisoformat(value))
    return "—" if value is None else str(value)


templates.env.filters.update(
    date_vn=date_vn,
    number=number_vn,
    plain=plain,
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
