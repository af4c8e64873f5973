"""Digests: one message per responsible body per run, delivered through Apprise.

Apprise (which Prefect already brings) speaks mail, Telegram, Zalo-compatible webhooks and
plain JSON posts; each body's URLs are rows of ``notification_targets`` (``*`` = every body).
A dry run returns the digests instead of sending them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import Engine, select

from compliance.followup.sync import TaskChange
from compliance.models.followup import NotificationTarget
from compliance.rules.templates import date_vn

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Digest:
    body_key: str  # a union code, or ubkt:<code> for its inspection committee
    body_label: str
    title: str
    text: str
    urls: tuple[str, ...]


@cache
def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined)
    env.filters["date_vn"] = date_vn
    return env


def digests(
    db_engine: Engine, changes: Sequence[TaskChange], as_of: dt.date, run_id: int | None
) -> list[Digest]:
    by_body: dict[str, list[TaskChange]] = defaultdict(list)
    for change in changes:
        if change.action != "updated":
            by_body[change.body.key].append(change)
    targets: dict[str, list[str]] = defaultdict(list)
    with db_engine.connect() as conn:
        t = NotificationTarget.__table__  # type: ignore[attr-defined]
        for code, url in conn.execute(select(t.c.body_code, t.c.url)):
            targets[code].append(url)
    template = _environment().get_template("digest.txt.j2")
    result = []
    for key, items in sorted(by_body.items()):
        label = items[0].body_label
        grouped = {action: [c for c in items if c.action == action]
                   for action in ("opened", "reopened", "escalated", "resolved")}  # fmt: off
        text = template.render(body=label, as_of=as_of, run_id=run_id, **grouped)
        counts = ", ".join(f"{len(v)} {k}" for k, v in grouped.items() if v)
        title = f"[Tuân thủ công đoàn] {label}: {counts} ({date_vn(as_of)})"
        urls = tuple(targets.get(key, []) + targets.get("*", []))
        result.append(Digest(key, label, title, text, urls))
    return result


def send(digest: Digest) -> bool:
    """Deliver one digest to its URLs; False when a target refused it."""
    import apprise

    if not digest.urls:
        return True
    sender = apprise.Apprise()
    for url in digest.urls:
        sender.add(url)
    return bool(sender.notify(title=digest.title, body=digest.text))
