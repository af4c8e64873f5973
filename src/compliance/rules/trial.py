"""Render every text of a rule at validation, so a rule that validates cannot fail a run.

Each template (explanation, due, task title and body) is rendered for every case the rule ships
(its day and parameters) and for synthetic units whose facts cover each declared type: all zero
or empty, all large, and all unknown (null) — except the facts the rule's own condition requires
to be known, since a finding can never have those null. Each render runs in the bounded sandbox
(``compliance.rules.templates``) and, in the main thread, under a wall-clock limit
(``signal.setitimer``): whatever goes wrong becomes a ``FILE:LINE`` problem in Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from compliance.rules import model
from compliance.rules.render import evaluate_expression, render
from compliance.rules.templates import TemplateLimitError, describe_error
from compliance.vocabulary import conditions
from compliance.vocabulary.facts import SUBJECTS
from compliance.vocabulary.periods import PeriodKind, judged_period
from compliance.vocabulary.subjects import FactType

SECONDS_PER_TEXT = 1.0

_ZERO: dict[FactType, Any] = {
    FactType.INT: 0,
    FactType.FLOAT: 0.0,
    FactType.BOOL: False,
    FactType.TEXT: "",
}
_LARGE: dict[FactType, Any] = {
    FactType.INT: 987_654_321,
    FactType.FLOAT: 1_234_567_890.5,
    FactType.BOOL: True,
    FactType.TEXT: "Công đoàn cơ sở Công ty TNHH Một thành viên Mẫu " * 4,
}


class RenderTimeout(TemplateLimitError):
    """A text that took longer than :data:`SECONDS_PER_TEXT` to render at validation."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """SIGALRM after ``seconds``, raised inside the render; nothing outside the main thread
    (signals go to it alone), where the sandbox's step budget still bounds the work."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise RenderTimeout(
            f"Hiển thị quá {seconds:g} giây (vòng lặp hoặc phép tính quá lớn); "
            "hãy viết đơn giản hơn."
        )

    previous = signal.signal(signal.SIGALRM, expire)
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_delay:  # someone else's alarm (pytest-timeout, a server): put it back
            left = outer_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), outer_interval)


def _known(node: conditions.Node | None) -> set[str]:
    """Facts that cannot be null when ``node`` holds (a comparison with a null is false)."""
    if node is None:
        return set()
    if isinstance(node, conditions.Compare):
        return {node.fact}
    if isinstance(node, conditions.IsNull):
        return set() if node.expected else {node.fact}
    if isinstance(node, conditions.Not):
        inner = node.item
        return {inner.fact} if isinstance(inner, conditions.IsNull) and inner.expected else set()
    parts = [_known(item) for item in node.items]
    if isinstance(node, conditions.All):
        return set().union(*parts)
    return set.intersection(*parts) if parts else set()


def _units(
    rule: model.Rule, as_of: dt.date, known: set[str]
) -> Iterator[tuple[str, dict[str, Any]]]:
    facts = rule.known_facts()
    zero = {**_ZERO, FactType.DATE: as_of}
    large = {**_LARGE, FactType.DATE: as_of - dt.timedelta(days=400)}
    yield "mọi dữ kiện bằng 0 hoặc rỗng", {n: zero[f.type] for n, f in facts.items()}
    yield "mọi dữ kiện có giá trị lớn", {n: large[f.type] for n, f in facts.items()}
    yield (
        "dữ kiện chưa biết (null)",
        {n: zero[f.type] if n in known else None for n, f in facts.items()},
    )


def _contexts(
    rule: model.Rule, violation: conditions.Node, at_risk: conditions.Node | None
) -> Iterator[tuple[str, dict[str, Any]]]:
    cases = [(f"ca '{c.name}'", c.as_of, c.params) for c in rule.tests]
    if not cases:
        cases = [("ngày hôm nay", dt.date.today(), {})]
    statuses = [("violation", violation)] + ([("at_risk", at_risk)] if at_risk else [])
    for case_label, as_of, overrides in cases:
        params = rule.parameter_values(overrides)
        bounds = judged_period(rule.period, as_of) if rule.period is not PeriodKind.NONE else None
        row_period = (  # fee payments carry their own period (their row's)
            f"{as_of.year}-{as_of.month:02d}"
            if SUBJECTS[rule.applies_to.subject].row_period
            else None
        )
        for status, condition in statuses:
            for unit_label, facts in _units(rule, as_of, _known(condition)):
                yield (
                    f"{case_label}, {unit_label}",
                    {
                        "unit": {
                            "code": "MAU-01",
                            "name": "Đơn vị mẫu",
                            "province_code": "80",
                            "kind": facts.get("kind"),
                        },
                        "facts": facts,
                        "params": params,
                        "as_of": as_of,
                        "period": bounds or row_period,
                        "rule": {
                            "id": rule.id,
                            "title": rule.title,
                            "version": rule.version(),
                            "source": rule.source,
                        },
                        "status": status,
                    },
                )


def render_failures(
    rule: model.Rule, violation: conditions.Node, at_risk: conditions.Node | None
) -> list[tuple[tuple[str, ...], str]]:
    """``(key path, Vietnamese message)`` for each text that fails, its first failure only."""
    texts: list[tuple[tuple[str, ...], str]] = [
        (("explanation",), rule.explanation),
        (("follow_up", "title"), rule.follow_up.title),
        (("follow_up", "body"), rule.follow_up.body),
    ]
    failed: dict[tuple[str, ...], str] = {}
    for label, context in _contexts(rule, violation, at_risk):
        due = None
        if rule.due and ("due",) not in failed:
            try:
                with time_limit(SECONDS_PER_TEXT):
                    due = evaluate_expression(rule.due, context)
            except Exception as exc:  # every failure is the rule's, reported, never raised
                failed[("due",)] = f"due: không tính được ({label}): {describe_error(exc)}"
        if isinstance(due, dt.datetime):  # as Finding.due reads it
            due = due.date()
        values = {**context, "due": due if isinstance(due, dt.date) else None}
        for where, source in texts:
            if where in failed:
                continue
            try:
                with time_limit(SECONDS_PER_TEXT):
                    render(source, values)
            except Exception as exc:  # every failure is the rule's, reported, never raised
                failed[where] = (
                    f"{'.'.join(where)}: không hiển thị được ({label}): {describe_error(exc)}"
                )
    return list(failed.items())
