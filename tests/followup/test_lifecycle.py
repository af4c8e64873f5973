"""The task state machine on its own: every (status, event) pair, allowed or refused."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from compliance.followup import lifecycle
from compliance.followup.errors import TaskError, TransitionNotAllowed
from compliance.followup.lifecycle import Action, Event
from compliance.messages import MESSAGES
from compliance.models.followup import TaskStatus

ANY = tuple(TaskStatus)
ACTIVE = ("open", "in_progress", "escalated")

# The specification, written out independently of the module: (from, event) → to.
SPEC: dict[tuple[str | None, str], str] = {
    (None, "found"): "open",
    **{(s, "finding_changed"): s for s in ACTIVE},
    **{(s, "compliant"): "resolved" for s in ACTIVE},
    ("resolved", "recurred"): "open",
    ("waived", "waiver_lapsed"): "open",
    **{(s, "overdue"): "escalated" for s in ACTIVE},
    ("open", "confirm"): "in_progress",
    ("in_progress", "confirm"): "in_progress",
    ("escalated", "confirm"): "escalated",
    ("open", "start"): "in_progress",
    ("escalated", "start"): "in_progress",
    **{(s, "reopen"): "open" for s in ANY},
    **{(s, "waive"): "waived" for s in ANY},
    **{(s, "dismiss"): "dismissed" for s in ANY},
}
PAIRS = list(itertools.product([None, *ANY], Event))


def test_the_table_is_the_specification() -> None:
    table = {(s, str(e)): str(to) for (s, e), to in lifecycle.TRANSITIONS.items()}
    assert table == {(s if s is None else str(s), e): to for (s, e), to in SPEC.items()}


@pytest.mark.parametrize(("status", "event"), PAIRS, ids=lambda v: str(v))
def test_every_pair_moves_as_specified_or_is_refused(status: str | None, event: Event) -> None:
    expected = SPEC.get((status if status is None else str(status), str(event)))
    if expected is None:
        with pytest.raises(TransitionNotAllowed) as refused:
            lifecycle.apply(status, event)
        assert refused.value.code == "task.transition_not_allowed"
        assert lifecycle.EVENT_VI[event] in str(refused.value)
        assert not lifecycle.allowed(status, event)
    else:
        assert lifecycle.apply(status, event) == expected
        assert lifecycle.allowed(status, event)


def test_every_event_has_a_history_word_and_a_vietnamese_name() -> None:
    assert set(lifecycle.ACTIONS) == set(Event) == set(lifecycle.EVENT_VI)
    assert lifecycle.ACTIONS[Event.RECURRED] is lifecycle.ACTIONS[Event.WAIVER_LAPSED]
    assert lifecycle.ACTIONS[Event.RECURRED] is Action.REOPENED


AS_OF = dt.date(2026, 10, 1)


@pytest.mark.parametrize(
    ("status", "waived_until", "was", "now", "expected"),
    [
        ("resolved", None, "violation", "violation", Event.RECURRED),
        ("waived", AS_OF - dt.timedelta(days=1), "violation", "violation", Event.WAIVER_LAPSED),
        ("waived", None, "violation", "violation", Event.WAIVER_LAPSED),
        ("waived", AS_OF, "violation", "violation", None),  # in force through its last day
        ("dismissed", None, "violation", "at_risk", None),
        ("open", None, "violation", "violation", None),
        ("open", None, "at_risk", "violation", Event.FINDING_CHANGED),
        ("in_progress", None, "violation", "at_risk", Event.FINDING_CHANGED),
        ("escalated", None, "violation", "at_risk", Event.FINDING_CHANGED),
    ],
)
def test_what_a_finding_does_to_a_task(
    status: str, waived_until: dt.date | None, was: str, now: str, expected: Event | None
) -> None:
    assert lifecycle.on_finding(status, waived_until, was, now, AS_OF) is expected


@pytest.mark.parametrize("status", ANY)
def test_only_an_active_task_is_resolved_when_its_finding_is_gone(status: TaskStatus) -> None:
    expected = Event.COMPLIANT if status in ACTIVE else None
    assert lifecycle.on_absence(status) is expected


@pytest.mark.parametrize(
    ("status", "event"),
    [("open", Event.REOPEN), ("in_progress", Event.START), ("waived", Event.WAIVE),
     ("dismissed", Event.DISMISS)],
)  # fmt: off
def test_a_requested_status_is_an_event(status: str, event: Event) -> None:
    assert lifecycle.manual_event(status) is event


@pytest.mark.parametrize(
    ("status", "code"),
    [("resolved", "task.resolved_by_run"), ("escalated", "task.unknown_status"),
     ("closed", "task.unknown_status")],
)  # fmt: off
def test_a_status_nobody_may_set_is_refused_with_its_own_code(status: str, code: str) -> None:
    with pytest.raises(TaskError) as refused:
        lifecycle.manual_event(status)
    assert refused.value.code == code
    assert str(refused.value) != code  # the Vietnamese text, not the id


def test_task_messages_say_what_to_do_and_name_no_command_line_option() -> None:
    texts = {code: text for code, text in MESSAGES.items() if code.startswith("task.")}
    assert len(texts) >= 12
    for code, text in texts.items():
        assert "--" not in text, code
        assert "Hãy" in text or "hãy" in text, code
