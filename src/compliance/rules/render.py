"""Rule texts rendered in bulk: the same templates, the same output, less per-call overhead.

A national run renders ~570,000 texts (explanation, due date, task title and body). Jinja's
``Template.render`` copies the template's globals — a ``ChainMap`` — into a fresh dict on every
call and again into a set for the context; that copy cost more than the template itself
(profiled: ~6 s of a national run). Here the globals are flattened once per template and each
call builds one dict. Same environment (sandboxed, strict undefined), same compiled code, same
exceptions (Jinja's ``handle_exception`` rewrites the traceback exactly as ``render`` does).

The environment is the rules' own (``compliance.rules.templates.RuleEnvironment``), built once
here; an expression compiles to the same ``{% set result = … %}`` template Jinja's
``compile_expression`` builds, so its value is read from the context's variables.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from jinja2 import Template
from jinja2.utils import consume

from compliance.rules.templates import check_length, describe_error, environment

log = logging.getLogger(__name__)
FALLBACK = "(không hiển thị được nội dung: {reason})"
_reported: set[tuple[str, str, str]] = set()  # (rule, text, error type) already logged


@cache
def _prepared(source: str, expression: bool) -> tuple[Template, dict[str, Any]]:
    env = environment()
    template = env.from_string(f"{{% set result = {source} %}}" if expression else source)
    return template, dict(template.globals)


def _context(template: Template, flat_globals: dict[str, Any], values: dict[str, Any]) -> Any:
    env = template.environment
    return env.context_class(env, {**flat_globals, **values}, template.name, template.blocks)


def render(source: str, values: dict[str, Any]) -> str:
    """``compliance.rules.templates.render``, faster: the text, stripped."""
    template, flat = _prepared(source, False)
    try:
        text: str = template.environment.concat(  # type: ignore[attr-defined]
            template.root_render_func(_context(template, flat, values))
        )
    except Exception:
        template.environment.handle_exception()
    return check_length(text.strip())


def evaluate_expression(source: str, values: dict[str, Any]) -> Any:
    """``compliance.rules.templates.evaluate_expression``, faster: the expression's value."""
    template, flat = _prepared(source, True)
    context = _context(template, flat, values)
    consume(template.root_render_func(context))
    return context.vars["result"]


def _report(rule: str, where: str, exc: Exception) -> str:
    """Log a text that failed on some unit's facts: the first of a kind as a warning (a
    national run may hit the same failure on thousands of units), the rest at debug level."""
    reason = describe_error(exc)
    key = (rule, where, type(exc).__name__)
    level = logging.DEBUG if key in _reported else logging.WARNING
    _reported.add(key)
    log.log(level, "rule %s: %s failed to render: %s: %s", rule, where, type(exc).__name__, exc)
    return reason


def render_or_fallback(source: str, values: dict[str, Any], rule: str, where: str) -> str:
    """:func:`render`, but a text that fails on this unit's facts (validation rendered it for
    every case and synthetic units, not for every real unit) gives :data:`FALLBACK` and a log
    line instead of stopping the run. No thread or process: the bounds are the sandbox's."""
    try:
        return render(source, values)
    except Exception as exc:  # one unit's text, never the whole run
        return FALLBACK.format(reason=_report(rule, where, exc))


def evaluate_or_none(source: str, values: dict[str, Any], rule: str, where: str) -> Any:
    """:func:`evaluate_expression`, or None (logged) when it fails on this unit's facts."""
    try:
        return evaluate_expression(source, values)
    except Exception as exc:  # one unit's due date, never the whole run
        _report(rule, where, exc)
        return None
