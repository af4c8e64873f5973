"""A finding's due date, the rule's ``due`` expression evaluated once per distinct input.

A national run asks for the due date of hundreds of thousands of findings, and Jinja costs
~40 µs a call (profiled: a third of ``compliance evaluate --format jsonl`` was printing, the due
date its largest part). Yet a due date reads few values — ``period.end`` only the period,
``facts.due_on`` one fact, ``facts.x + days(params.y)`` one fact and one parameter — and many
findings share them. So the expression is parsed once per rule: when every variable it reads
is read through a constant attribute (``facts.due_on``) or is a whole value that is the same
for the rule's findings (``params``, ``as_of``, ``rule``, the period), its value is memoised on
exactly those values; ``facts.NAME`` alone is a lookup. Anything else (a variable read whole,
``facts|length``) goes to Jinja every time. Same environment, same value, same logged failure:
the memo only skips calls whose inputs it has seen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from typing import Any, Protocol

from jinja2 import nodes

from compliance.rules.loaded import LoadedRule
from compliance.rules.render import evaluate_or_none
from compliance.rules.templates import environment
from compliance.vocabulary.periods import Period


class Finding(Protocol):
    """What is read of a finding (``compliance.engine.findings.Finding``, which imports this)."""

    rule: str
    period: str | None
    status: str
    rule_version: str
    as_of: dt.date
    facts: dict[str, Any]
    params: dict[str, Any]
    period_bounds: Period | None
    loaded: LoadedRule | None

    def context(self) -> dict[str, Any]: ...


Resolver = Callable[[Finding], Any]
# Variables a due expression may read whole and still be memoised: the same for every finding
# of one rule, period and run (``period`` is keyed by the finding's period, ``status`` by value).
_WHOLE_OK = frozenset({"params", "as_of", "rule", "period", "status", "days"})
_MEMO_LIMIT = 100_000  # distinct inputs kept per rule; past it, Jinja is called as before


def due_date(finding: Finding) -> dt.date | None:
    """The finding's due date (or None), as ``Finding.due`` has always computed it."""
    loaded = finding.loaded
    if loaded is None or not loaded.rule.due:
        return None
    value = _resolver(loaded.rule.due)(finding)
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _jinja(source: str) -> Resolver:
    return lambda f: evaluate_or_none(source, f.context(), f.rule, "due")


@cache
def _resolver(source: str) -> Resolver:
    """How to evaluate ``source`` fast: a fact lookup, a memo on what it reads, or Jinja."""
    try:
        tree = environment().parse(f"{{{{ ({source}) }}}}")
    except Exception:  # validation refused it already; keep the logged failure of Jinja
        return _jinja(source)
    reads = _reads(tree)
    if reads is None:
        return _jinja(source)
    whole, attributes = reads
    only = next(iter(attributes)) if len(attributes) == 1 and not whole else None
    expression = source.strip()
    if only is not None and only[0] == "facts" and expression == f"facts.{only[1]}":
        name = only[1]
        return lambda f: f.facts.get(name)  # a fact the plan selected (template facts are)
    return _memoised(source, whole, frozenset(attributes))


def _reads(tree: nodes.Template) -> tuple[frozenset[str], set[tuple[str, str]]] | None:
    """Variables read whole and (variable, constant attribute) pairs; None when some read
    cannot be keyed (a variable outside :data:`_WHOLE_OK` read whole, a computed subscript)."""
    attributes: set[tuple[str, str]] = set()
    through: set[int] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if not isinstance(node.node, nodes.Name):
            continue
        if isinstance(node, nodes.Getattr):
            attributes.add((node.node.name, node.attr))
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            attributes.add((node.node.name, node.arg.value))
        else:
            continue
        through.add(id(node.node))
    whole = frozenset(
        n.name for n in tree.find_all(nodes.Name) if n.ctx == "load" and id(n) not in through
    )
    if not whole <= _WHOLE_OK:
        return None
    return whole, attributes


def _key_part(finding: Finding, name: str, attribute: str | None) -> Any:
    if name == "facts":
        return finding.facts.get(attribute) if attribute else None
    if name == "unit":
        return finding.context()["unit"].get(attribute) if attribute else None
    if name == "params":
        value = finding.params.get(attribute) if attribute else None
        return repr(value) if attribute else repr(sorted(finding.params.items()))
    if name == "period":
        return (finding.period_bounds, finding.period)
    if name == "status":
        return finding.status
    if name == "as_of":
        return finding.as_of
    if name == "rule":
        return (finding.rule, finding.rule_version)
    return None  # days: a global, the same for everyone


def _memoised(
    source: str, whole: frozenset[str], attributes: frozenset[tuple[str, str]]
) -> Resolver:
    parts = sorted({(n, None) for n in whole} | set(attributes), key=repr)
    # ``params`` and ``rule`` read through attributes are still per rule: key on the rule too.
    memo: dict[tuple[Any, ...], Any] = {}

    def resolve(finding: Finding) -> Any:
        try:
            key = (
                finding.rule,
                finding.rule_version,
                *(_key_part(finding, n, a) for n, a in parts),
            )
            if key in memo:
                return memo[key]
        except TypeError:  # an unhashable fact value: no memo for this one
            return evaluate_or_none(source, finding.context(), finding.rule, "due")
        value = evaluate_or_none(source, finding.context(), finding.rule, "due")
        if len(memo) < _MEMO_LIMIT:
            memo[key] = value
        return value

    return resolve
