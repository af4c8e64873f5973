"""Impact preview (issue 12 item 4): what a draft would change, before it is published.

The published catalogue and the same catalogue with the drafts applied (a draft with a
published rule's id replaces it, a new id adds one; ``RULE.PARAM=VALUE`` overrides a
parameter) are evaluated on the same registry, for the rules involved only, and their findings
compared by key (rule, unit, period): added, removed, or changed in status. Both evaluations go
through :func:`compliance.engine.evaluate.evaluate`, so the preview reads exactly what a run
would find, and like it never writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml
from sqlalchemy import Connection

from compliance.engine.evaluate import Selection, evaluate
from compliance.engine.findings import Finding
from compliance.exceptions import CodedError
from compliance.formatting import did_you_mean
from compliance.rules.loaded import LoadedRule

Change = Literal["added", "removed", "changed"]
_EXPECTED = {bool: "có/không (true/false)", int: "số nguyên", float: "số", str: "văn bản"}


class PreviewRefused(CodedError):
    """A preview that cannot run as asked (preview.*); nothing was evaluated."""

    code = "preview.refused"


@dataclass(frozen=True)
class Setting:
    """One ``RULE.PARAM=VALUE``: the value parsed as YAML and checked against the default."""

    rule: str
    parameter: str
    value: Any
    before: Any  # the published value (the draft's default for a new rule)


@dataclass(frozen=True)
class Catalogues:
    before: list[LoadedRule]  # the published rules involved
    after: list[LoadedRule]  # the same rules with the drafts applied
    involved: list[str]  # rule ids, in catalogue order, new ones last
    new: frozenset[str]  # ids only the drafts have
    settings: list[Setting]

    @property
    def overrides(self) -> dict[str, dict[str, Any]]:
        values: dict[str, dict[str, Any]] = {}
        for s in self.settings:
            values.setdefault(s.rule, {})[s.parameter] = s.value
        return values

    def parameter_changes(self, rule: str) -> list[tuple[str, Any, Any]]:
        """(parameter, published value, previewed value) for every parameter that differs."""
        before = {r.id: r.rule.parameter_values() for r in self.before}.get(rule, {})
        after_rule = next(r for r in self.after if r.id == rule)
        after = after_rule.rule.parameter_values(self.overrides.get(rule))
        return [(name, before.get(name), v) for name, v in after.items() if before.get(name) != v]


@dataclass(frozen=True)
class Delta:
    change: Change
    finding: Finding  # the previewed one; the published one when removed
    before: str | None  # status in the published catalogue
    after: str | None  # status with the drafts


@dataclass
class Preview:
    as_of: dt.date
    province: str | None
    catalogues: Catalogues
    deltas: list[Delta] = field(default_factory=list)
    findings_before: int = 0
    findings_after: int = 0


def parse_setting(text: str) -> tuple[str, str, str]:
    """``union.establishment.min_workers=20`` → (rule, parameter, value text): rule ids have
    dots of their own, the parameter is the part after the last one."""
    target, equals, value = text.partition("=")
    rule, dot, parameter = target.strip().rpartition(".")
    if not equals or not dot or not rule or not parameter.isidentifier() or not value.strip():
        raise PreviewRefused("preview.bad_setting", setting=text)
    return rule, parameter, value.strip()


def _value(rule: LoadedRule, parameter: str, text: str) -> Any:
    default = rule.rule.parameters[parameter].default
    wanted = type(default)
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        value = text
    if wanted is str:
        return text if not isinstance(value, str) else value
    fits = type(value) is wanted or (wanted is float and type(value) is int)
    if not fits:
        expected = _EXPECTED[wanted]
        raise PreviewRefused(
            "preview.bad_value", rule=rule.id, parameter=parameter, value=text, expected=expected
        )
    return value


def catalogues(
    published: Sequence[LoadedRule],
    drafts: Sequence[LoadedRule],
    settings: Sequence[str],
    draft_files: int = 0,
) -> Catalogues:
    """The two catalogues to compare. Raises :class:`PreviewRefused` for draft files without a
    rule, a setting that names no rule or parameter, or a value of the wrong type."""
    if draft_files and not drafts:
        raise PreviewRefused("preview.no_rules")
    if not drafts and not settings:
        raise PreviewRefused("preview.nothing_to_preview")
    by_id = {r.id: r for r in published}
    drafted = {r.id: r for r in drafts}
    merged = {**by_id, **drafted}
    parsed: list[Setting] = []
    for text in settings:
        rule_id, parameter, value_text = parse_setting(text)
        if rule_id not in merged:
            suggestion = did_you_mean(rule_id, merged)
            raise PreviewRefused("preview.unknown_rule", rule=rule_id, suggestion=suggestion)
        rule = merged[rule_id]
        if parameter not in rule.rule.parameters:
            names = sorted(rule.rule.parameters)
            raise PreviewRefused(
                "preview.unknown_parameter",
                rule=rule_id,
                parameter=parameter,
                suggestion=did_you_mean(parameter, names),
                parameters=", ".join(names) or "không có",
            )
        source = by_id.get(rule_id, rule)
        before = source.rule.parameter_values().get(parameter)
        parsed.append(Setting(rule_id, parameter, _value(rule, parameter, value_text), before))
    involved = list(dict.fromkeys([*drafted, *(s.rule for s in parsed)]))
    order = {rule_id: i for i, rule_id in enumerate(by_id)}
    involved.sort(key=lambda r: (order.get(r, len(order)), r))
    return Catalogues(
        before=[by_id[r] for r in involved if r in by_id],
        after=[merged[r] for r in involved],
        involved=involved,
        new=frozenset(r for r in involved if r not in by_id),
        settings=parsed,
    )


def diff(before: Sequence[Finding], after: Sequence[Finding]) -> list[Delta]:
    """Findings added, removed and changed in status, in key order."""
    old = {f.key: f for f in before}
    new = {f.key: f for f in after}
    deltas: list[Delta] = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: (k[0], k[1], k[2] or "")):
        was, now = old.get(key), new.get(key)
        if was is None and now is not None:
            deltas.append(Delta("added", now, None, now.status))
        elif now is None and was is not None:
            deltas.append(Delta("removed", was, was.status, None))
        elif was is not None and now is not None and was.status != now.status:
            deltas.append(Delta("changed", now, was.status, now.status))
    return deltas


def preview(
    conn: Connection, chosen: Catalogues, as_of: dt.date, province: str | None = None
) -> Preview:
    """Evaluate both catalogues on the rules involved and compare; reads only."""
    ids = frozenset(chosen.involved)
    scope = Selection.of(ids, province=province)
    before = evaluate(conn, chosen.before, as_of, scope) if chosen.before else []
    after = evaluate(conn, chosen.after, as_of, scope, overrides=chosen.overrides)
    return Preview(as_of, province, chosen, diff(before, after), len(before), len(after))
