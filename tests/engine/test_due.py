"""A finding's due date, memoised on what the rule's ``due`` expression reads, is the value
Jinja gives for that finding, whatever the expression reads (compliance.engine.due)."""

from __future__ import annotations

import datetime as dt

import pytest

from compliance.engine.due import _reads, _resolver, due_date
from compliance.engine.findings import Finding
from compliance.rules.render import evaluate_or_none
from compliance.rules.templates import environment
from compliance.rules.validate import load_rules
from compliance.vocabulary.periods import Period

AS_OF = dt.date(2026, 10, 1)
YEAR = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31), "2025")


@pytest.fixture(scope="module")
def complaint():
    return next(r for r in load_rules() if r.id == "complaint.resolution")


def finding(loaded, unit: str, status: str = "violation", period=None, **facts) -> Finding:
    return Finding(
        loaded.id, unit, period.label if period else None, status, loaded.version,
        f"Đơn vị {unit}", "80", AS_OF, facts, loaded.rule.parameter_values(None), period, loaded,
    )  # fmt: skip


def as_due(value: object) -> object:
    """What Finding.due keeps of a value (a StrictUndefined compares by raising)."""
    return value if isinstance(value, dt.date) else None


def findings(loaded) -> list[Finding]:
    day = dt.date(2026, 1, 10)
    return [
        finding(loaded, "A", accepted_on=day, complex=True, due_on=day),
        finding(loaded, "B", accepted_on=day, complex=False, due_on=None),
        finding(loaded, "C", "at_risk", YEAR, accepted_on=day, complex=True, due_on=day),
        finding(loaded, "D", accepted_on=None, complex=None, due_on=dt.date(2026, 2, 1)),
        finding(loaded, "E", "at_risk", YEAR, accepted_on=day, complex=True, due_on=day),
    ]


@pytest.mark.parametrize(
    "source",
    [
        "facts.due_on",  # a lookup
        "period.end",  # one value per period
        "facts.accepted_on + days(params.complex_resolution_days if facts.complex "
        "else params.resolution_days)",  # memoised on two facts and the parameters
        "facts.due_on if status == 'at_risk' else none",
        "as_of + days(facts|length)",  # reads the facts whole: Jinja every time
        "unit.code ~ ''",  # not a date: no due date
        "facts.missing_fact",  # fails: None, as Jinja's failure always gave
    ],
)
def test_every_path_gives_jinjas_value(complaint, source):
    for item in findings(complaint) * 2:  # twice: the second round comes from the memo
        expected = evaluate_or_none(source, item.context(), item.rule, "due")
        assert as_due(_resolver(source)(item)) == as_due(expected), (source, item.unit)


def test_what_an_expression_reads():
    def reads(source: str):
        return _reads(environment().parse(f"{{{{ ({source}) }}}}"))

    assert reads("facts.a + days(params.b)") == (frozenset({"days"}),
                                                {("facts", "a"), ("params", "b")})  # fmt: skip
    assert reads("facts['a'] if status == 'x' else period.end") == (
        frozenset({"status"}),
        {("facts", "a"), ("period", "end")},
    )
    assert reads("facts|length") is None  # facts whole: cannot be keyed
    assert reads("facts[params.name]") is None


def test_due_date_of_the_rule(complaint):
    a, b, *_ = findings(complaint)
    assert due_date(a) == dt.date(2026, 1, 10) + dt.timedelta(days=45)
    assert due_date(b) == dt.date(2026, 1, 10) + dt.timedelta(days=30)
    assert a.due == due_date(a)
