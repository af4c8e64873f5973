"""The task state machine: every move a task can make, by a run or by a person, in one table.

A run and a person change the same tasks; with the moves declared once, the two cannot disagree
about what is allowed (a run reopens a resolved task; a person may not resolve one, because a
task is resolved by the run that finds the unit compliant, from the registry). Control flow
branches on :class:`Event`; the Vietnamese words are only for what people read.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from compliance.followup.errors import TaskError, TransitionNotAllowed
from compliance.formatting import TASK_STATUS_VI
from compliance.models.followup import ACTIVE_STATUSES, TaskStatus

S = TaskStatus


class Event(StrEnum):
    """What happens to a task: the run's findings, the calendar, or a person's decision."""

    # by a run
    FOUND = "found"  # a violation with no task yet
    FINDING_CHANGED = "finding_changed"  # violation ↔ at risk
    COMPLIANT = "compliant"  # the unit is no longer in violation
    RECURRED = "recurred"  # a resolved violation is back
    WAIVER_LAPSED = "waiver_lapsed"  # still in violation after the waiver's expiry
    OVERDUE = "overdue"  # the daily escalation: past due, up one level
    # by a person
    CONFIRM = "confirm"  # the inspection committee says the finding stands
    START = "start"  # someone works on it
    REOPEN = "reopen"
    WAIVE = "waive"
    DISMISS = "dismiss"


class Action(StrEnum):
    """The word a task's history (task_events.action) and the digests use for a move."""

    OPENED = "opened"
    REOPENED = "reopened"
    RESOLVED = "resolved"
    UPDATED = "updated"
    ESCALATED = "escalated"
    CONFIRMED = "confirmed"
    WAIVED = "waived"
    DISMISSED = "dismissed"


NEW = None  # the "status" of a task that does not exist yet

# (from, event) → to. A pair that is not here is refused.
TRANSITIONS: dict[tuple[TaskStatus | None, Event], TaskStatus] = {
    (NEW, Event.FOUND): S.OPEN,
    (S.OPEN, Event.FINDING_CHANGED): S.OPEN,
    (S.IN_PROGRESS, Event.FINDING_CHANGED): S.IN_PROGRESS,
    (S.ESCALATED, Event.FINDING_CHANGED): S.ESCALATED,
    (S.OPEN, Event.COMPLIANT): S.RESOLVED,
    (S.IN_PROGRESS, Event.COMPLIANT): S.RESOLVED,
    (S.ESCALATED, Event.COMPLIANT): S.RESOLVED,
    (S.RESOLVED, Event.RECURRED): S.OPEN,
    (S.WAIVED, Event.WAIVER_LAPSED): S.OPEN,
    (S.OPEN, Event.OVERDUE): S.ESCALATED,
    (S.IN_PROGRESS, Event.OVERDUE): S.ESCALATED,
    (S.ESCALATED, Event.OVERDUE): S.ESCALATED,
    (S.OPEN, Event.CONFIRM): S.IN_PROGRESS,
    (S.IN_PROGRESS, Event.CONFIRM): S.IN_PROGRESS,
    (S.ESCALATED, Event.CONFIRM): S.ESCALATED,  # confirmed, still with the body above
    (S.OPEN, Event.START): S.IN_PROGRESS,
    (S.ESCALATED, Event.START): S.IN_PROGRESS,
    # A person may reopen, waive or dismiss a task in any status (a waiver renewed, a dismissal
    # reconsidered); a waiver and a dismissal always carry a reason (followup.manage).
    **{(status, Event.REOPEN): S.OPEN for status in S},
    **{(status, Event.WAIVE): S.WAIVED for status in S},
    **{(status, Event.DISMISS): S.DISMISSED for status in S},
}

ACTIONS: dict[Event, Action] = {
    Event.FOUND: Action.OPENED,
    Event.FINDING_CHANGED: Action.UPDATED,
    Event.COMPLIANT: Action.RESOLVED,
    Event.RECURRED: Action.REOPENED,
    Event.WAIVER_LAPSED: Action.REOPENED,
    Event.OVERDUE: Action.ESCALATED,
    Event.CONFIRM: Action.CONFIRMED,
    Event.START: Action.UPDATED,
    Event.REOPEN: Action.UPDATED,
    Event.WAIVE: Action.WAIVED,
    Event.DISMISS: Action.DISMISSED,
}

EVENT_VI: dict[Event, str] = {
    Event.FOUND: "mở việc mới",
    Event.FINDING_CHANGED: "cập nhật mức vi phạm",
    Event.COMPLIANT: "đánh dấu đã khắc phục",
    Event.RECURRED: "mở lại do vi phạm tái diễn",
    Event.WAIVER_LAPSED: "mở lại do miễn trừ hết hạn",
    Event.OVERDUE: "chuyển cấp trên",
    Event.CONFIRM: "xác nhận",
    Event.START: "chuyển sang đang xử lý",
    Event.REOPEN: "mở lại",
    Event.WAIVE: "miễn trừ",
    Event.DISMISS: "bác bỏ",
}

# The status a person may ask for, and the event it is.
MANUAL_EVENTS: dict[TaskStatus, Event] = {
    S.OPEN: Event.REOPEN,
    S.IN_PROGRESS: Event.START,
    S.WAIVED: Event.WAIVE,
    S.DISMISSED: Event.DISMISS,
}
MANUAL_STATUSES = tuple(MANUAL_EVENTS)


def allowed(status: str | None, event: Event) -> bool:
    return (_status(status), event) in TRANSITIONS


def apply(status: str | None, event: Event) -> TaskStatus:
    """The status after ``event``, or :class:`TransitionNotAllowed` when the table has no move."""
    current = _status(status)
    try:
        return TRANSITIONS[(current, event)]
    except KeyError:
        shown = TASK_STATUS_VI[current] if current is not None else "chưa có"
        raise TransitionNotAllowed(shown, EVENT_VI[event]) from None


def manual_event(status: str) -> Event:
    """The event a person's requested status stands for; resolving is the run's to do."""
    if status == S.RESOLVED:
        raise TaskError("task.resolved_by_run")
    try:
        return MANUAL_EVENTS[TaskStatus(status)]
    except (ValueError, KeyError):
        raise TaskError(
            "task.unknown_status", status=status, choices=", ".join(MANUAL_STATUSES)
        ) from None


def on_finding(
    status: str, waived_until: dt.date | None, was: str, now: str, as_of: dt.date
) -> Event | None:
    """What a run's finding (status ``now``; the task last saw ``was``) does to a task.

    A waiver lapses the day after its expiry; a waiver without expiry has lapsed already.
    A dismissed task, or a waived one still in force, stays as it is.
    """
    if status == S.RESOLVED:
        return Event.RECURRED
    if status == S.WAIVED and (waived_until is None or waived_until < as_of):
        return Event.WAIVER_LAPSED
    if status in ACTIVE_STATUSES and was != now:
        return Event.FINDING_CHANGED
    return None


def on_absence(status: str) -> Event | None:
    """What a run that judged a task's unit and found no violation does to the task."""
    return Event.COMPLIANT if status in ACTIVE_STATUSES else None


def _status(status: str | None) -> TaskStatus | None:
    return None if status is None else TaskStatus(status)
