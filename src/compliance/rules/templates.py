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


@cache
def environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
    )
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
