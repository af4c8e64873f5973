"""Vietnamese for people: dates, times, numbers, money, percentages, periods and status labels.

Everything a person reads — CLI tables, web pages, reports, digests, Prefect artifacts, rule
texts — formats through here, so a date is written one way everywhere ("31/01/2025"), a number
another ("1.234.567"), and a status has one Vietnamese name. Identifiers stay English in data
and code; only what is shown is translated.

Three words mean different things and keep their own labels: a *finding* that is ``open`` is
not yet due ("chưa đến hạn"); a *task* that is ``open`` is new ("mới"); and the CLI's
``tasks list --status open`` (the contract's word) lists every task still to act on
("đang mở": new, in progress or escalated).

The bottom layer: it imports nothing of the product but the settings' time zone.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from typing import Any

from compliance.settings import TIMEZONE

# -- dates and times -----------------------------------------------------------------------------


def date_vn(value: Any) -> str:
    """31/01/2025; a timestamp (stored in UTC) in Vietnam's time, 31/01/2025 14:05; text as is."""
    if isinstance(value, dt.datetime):
        return datetime_vn(value)
    if isinstance(value, dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    return "" if value is None else str(value)


def datetime_vn(value: dt.datetime | None) -> str:
    """31/01/2025 14:05 in Vietnam's time (a naive timestamp is taken as UTC, as stored)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return f"{value.astimezone(TIMEZONE):%d/%m/%Y %H:%M}"


def date_long_vn(day: dt.date) -> str:
    """'ngày 05 tháng 01 năm 2024': days below 10 and months below 3 take a leading zero, as
    the rules for administrative documents (Decree 30/2020/NĐ-CP) ask."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


# -- numbers ---------------------------------------------------------------------------------------


def number_vn(value: Any, decimals: int | None = None) -> str:
    """1.234.567 and 1.234,56: '.' groups thousands, ',' marks decimals.

    Without ``decimals`` an integral value has none and another has two; ``None`` is empty.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if decimals is None:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        decimals = 0 if isinstance(value, int) else 2
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def money_vn(value: Any) -> str:
    """1.500.000 đ (đồng has no minor unit)."""
    return "" if value is None else f"{number_vn(round(float(value)), 0)} đ"


def percent_vn(value: Any, decimals: int = 1) -> str:
    """85,3% from 85.3 (a share already in percent)."""
    return "" if value is None else f"{number_vn(float(value), decimals)}%"


def yes_no(value: Any) -> str:
    return "có" if value else "không"


# -- periods ---------------------------------------------------------------------------------------

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def period_vn(label: str | None) -> str:
    """The judged period as documents write it: năm 2024, quý III/2024, tháng 03/2024, or the
    day of a one-off deadline; no period is empty."""
    if not label:
        return ""
    if re.fullmatch(r"\d{4}", label):
        return f"năm {label}"
    if match := re.fullmatch(r"(\d{4})-Q([1-4])", label):
        return f"quý {_ROMAN[int(match[2])]}/{match[1]}"
    if match := re.fullmatch(r"(\d{4})-(\d{2})", label):
        return f"tháng {match[2]}/{match[1]}"
    try:
        return f"ngày {date_vn(dt.date.fromisoformat(label))}"
    except ValueError:
        return label


# -- labels ----------------------------------------------------------------------------------------

FINDING_STATUS_VI = {"violation": "vi phạm", "at_risk": "có nguy cơ", "open": "chưa đến hạn"}
# A rule derived from an aggregate target (source.binds: target) finds units that do not yet
# count toward it: never "vi phạm" of the unit's own obligation.
TARGET_FINDING_STATUS_VI = {
    "violation": "chưa đạt (chỉ tiêu chung)",
    "at_risk": "có nguy cơ chưa đạt (chỉ tiêu chung)",
    "open": "chưa đến hạn",
}
TASK_STATUS_VI = {
    "open": "mới",
    "in_progress": "đang xử lý",
    "escalated": "đã chuyển cấp trên",
    "resolved": "đã khắc phục",
    "waived": "miễn trừ",
    "dismissed": "bác bỏ",
}
ACTIVE_TASKS_VI = "đang mở"  # open, in progress or escalated: the CLI's --status open
SEVERITY_VI = {"high": "cao", "medium": "trung bình", "low": "thấp"}
FAMILY_VI = {"compliance": "tuân thủ", "data_quality": "lỗi dữ liệu"}
ROLE_VI = {
    "admin": "quản trị",
    "operator": "vận hành",
    "inspector": "kiểm tra viên",
    "viewer": "chỉ xem",
}
RUN_STATUS_VI = {
    "queued": "đang chờ",
    "running": "đang chạy",
    "completed": "hoàn thành",
    "failed": "lỗi",
}
TARGET_STATUS_VI = {
    "met": "đạt",
    "missed": "không đạt",
    "behind": "chưa đạt",
    "no_data": "chưa có dữ liệu",
}
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
CHANGE_VI = {  # what a run did to a body's tasks, as its digest counts it
    "opened": "việc mới",
    "reopened": "việc mở lại",
    "escalated": "việc chuyển lên",
    "resolved": "việc đã khắc phục",
}
FIELD_VI = {
    "status": "trạng thái",
    "assignee": "người phụ trách",
    "due_on": "hạn xử lý",
    "reason": "lý do",
    "waived_until": "miễn trừ đến",
    "approver": "người phê duyệt",
    "finding_status": "mức phát hiện",
    "escalation_level": "cấp chuyển lên",
    "request": "yêu cầu số",
    "as_of": "ngày xét",
    "units": "đơn vị",
    "rules": "quy tắc",
    "province": "tỉnh",
    "historical": "rà soát lịch sử",
    "role": "vai trò",
    "scope": "phạm vi",
    "name": "tên",
}
DECISION_VI = {"confirm": "Xác nhận", "dismiss": "Bác bỏ", "waive": "Miễn trừ"}
COMPARISON_VI = {">=": "≥", ">": ">", "<=": "≤", "==": "="}
UNIT_VI = {"percent": "%", "count": "số lượng"}
# The kinds of the open events table seen so far; the set is open (a delivery may bring a new
# kind before anyone names it here), so an unnamed kind is shown as written (event_kind_vi).
EVENT_KIND_VI = {
    "dialogue": "đối thoại tại nơi làm việc",
    "charter_supervision": "giám sát chấp hành Điều lệ",
    "finance_inspection_by_superior": "kiểm tra tài chính của cấp trên",
    "housing_handover": "bàn giao nhà Mái ấm Công đoàn",
    "training_course": "lớp tập huấn",
}


# The values a task's or an account's recorded change holds, by field (audit log, history).
VALUE_LABELS: dict[str, dict[str, str]] = {
    "status": TASK_STATUS_VI,
    "finding_status": FINDING_STATUS_VI,
    "role": ROLE_VI,
    "severity": SEVERITY_VI,
}
DATE_FIELDS = frozenset({"due_on", "waived_until", "as_of"})  # ISO text in recorded JSON


def field_text(field: str, value: Any) -> str:
    """One recorded value as people read it: a status by name, a date as a date, a list (a
    run's units or rules) as its items ("tất cả" when empty), nothing as "—"."""
    if value is None:
        return "—"
    if field in DATE_FIELDS:
        return iso_date_text(value)
    if field in VALUE_LABELS and isinstance(value, str):
        return VALUE_LABELS[field].get(value, value)
    if isinstance(value, list):
        return ", ".join(field_text("", v) for v in value) if value else "tất cả"
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int | float):
        return number_vn(value)
    return date_vn(value) if isinstance(value, dt.date) else str(value)


def iso_date_text(value: Any) -> str:
    """A value known to hold a date but perhaps stored as ISO text (JSON): shown as a date when
    it is one, else as it is."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return field_text("", value)


def fields_text(values: dict[str, Any] | None) -> str:
    """A recorded change, "trạng thái: mới; hạn xử lý: 01/10/2026", or "—"."""
    if not values:
        return "—"
    return "; ".join(f"{label(FIELD_VI, k)}: {field_text(k, v)}" for k, v in values.items())


def label(labels: dict[str, str], value: Any) -> str:
    """``value``'s Vietnamese name in ``labels``, or the value itself when it has none."""
    return labels.get(str(value), "" if value is None else str(value))


def event_kind_vi(kind: str | None) -> str:
    """An event's kind by its Vietnamese name, or as the delivery wrote it when it has none."""
    return label(EVENT_KIND_VI, kind)


def did_you_mean(
    word: str, choices: Iterable[str], count: int = 1, cutoff: float = 0.6, sentence: bool = False
) -> str:
    """The close names a typo was probably meant to be: a clause to append to an error ("; có
    phải 'x'?"), or with ``sentence`` a sentence of its own (" Có phải 'x' hay 'y'?")."""
    close = difflib.get_close_matches(word, list(choices), n=count, cutoff=cutoff)
    if not close:
        return ""
    names = " hay ".join(repr(c) for c in close)
    return f" Có phải {names}?" if sentence else f"; có phải {names}?"
