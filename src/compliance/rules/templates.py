"""The Jinja2 environment rule texts are rendered in, and the names a template may use.

Sandboxed and strict: a template that names something undefined fails validation, not a run.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from jinja2 import StrictUndefined, Template, nodes
from jinja2.sandbox import SandboxedEnvironment

# What every template is rendered with (see compliance.engine.findings.Finding.context).
TEMPLATE_NAMES = ("unit", "facts", "params", "as_of", "period", "rule", "status", "due", "days")
UNIT_FIELDS = ("code", "name", "province_code", "kind")
RULE_FIELDS = ("id", "title", "version", "source")


def date_vn(value: Any) -> str:
    """31/01/2025, as Vietnamese documents write dates."""
    if isinstance(value, dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    return "" if value is None else str(value)


def number_vn(value: Any) -> str:
    """1.234.567 — Vietnamese thousands separator."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return f"{value:,.2f}".replace(",", "␣").replace(".", ",").replace("␣", ".")


def yes_no(value: Any) -> str:
    return "có" if value else "không"


_DICT_HAS: dict[str, bool] = {}  # attribute name → whether a dict has it (dicts have no __dict__)


class RuleEnvironment(SandboxedEnvironment):
    """The sandbox, with a shortcut for ``name.key`` on plain dicts (``unit.name``,
    ``facts.workers``): the sandbox first tries the attribute, which a dict has only for its own
    methods, so every such read raised and caught an ``AttributeError`` before reading the key
    (~4 s of a national run). The shortcut reads the key directly when ``dict`` has no attribute
    of that name — the same value, the same undefined when the key is missing — and leaves every
    other case to the sandbox."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            has = _DICT_HAS.get(attribute)
            if has is None:
                has = _DICT_HAS[attribute] = hasattr(obj, attribute)
            if not has:  # what the sandbox does after getattr(obj, attribute) fails
                try:
                    return obj[attribute]
                except (TypeError, LookupError):
                    return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


@cache
def environment() -> SandboxedEnvironment:
    env = RuleEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.filters.update(date_vn=date_vn, number=number_vn, yes_no=yes_no)
    env.globals["days"] = lambda n: dt.timedelta(days=int(n))
    return env


@cache
def _template(source: str) -> Template:
    return environment().from_string(source)


@cache
def _expression(source: str) -> Any:
    return environment().compile_expression(source, undefined_to_none=False)


def render(template: str, context: dict[str, Any]) -> str:
    """Render a rule text; compiled once per distinct template (a run renders thousands)."""
    return _template(template).render(context).strip()


def evaluate_expression(expression: str, context: dict[str, Any]) -> Any:
    return _expression(expression)(**context)


def attribute_uses(source: str) -> tuple[set[str], set[tuple[str, str]]]:
    """Top-level names a template reads, and ``name.attribute`` pairs it reads."""
    from jinja2 import meta

    tree = environment().parse(source)
    names = set(meta.find_undeclared_variables(tree))
    pairs: set[tuple[str, str]] = set()
    for node in tree.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name):
            pairs.add((node.node.name, node.attr))
    for node in tree.find_all(nodes.Getitem):
        if isinstance(node.node, nodes.Name) and isinstance(node.arg, nodes.Const):
            pairs.add((node.node.name, str(node.arg.value)))
    return names, pairs
