"""One rule on one judged period, bound to its parameters: what every evaluation method runs.

Its own module so the durable-rules worker (``durable``) and ``evaluate`` both read it without
importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compliance.rules.loaded import LoadedRule
from compliance.vocabulary import conditions
from compliance.vocabulary.subjects import Context, Subject


@dataclass
class Plan:
    """One rule on one period, ready to run."""

    loaded: LoadedRule
    subject: Subject
    context: Context
    params: dict[str, Any]
    fact_names: list[str]
    violation: conditions.Node
    at_risk: conditions.Node | None
    extra: dict[str, Any] = field(default_factory=dict)
