"""Digests: one message per responsible body per run, delivered through Apprise.

Apprise (which Prefect already brings) speaks mail, Telegram, Zalo-compatible webhooks and
plain JSON posts; each body's URLs are rows of ``notification_targets`` (``*`` = every body).
A dry run returns the digests instead of sending them.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import Engine, select

from compliance.followup.sync import RunChange
from compliance.followup.targets import mask_secrets, mask_url
from compliance.formatting import CHANGE_VI, date_vn, number_vn
from compliance.messages import message
from compliance.models.followup import NotificationTarget
from compliance.settings import get_settings

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
    db_engine: Engine, changes: Sequence[RunChange], as_of: dt.date, run_id: int | None
) -> list[Digest]:
    by_body: dict[str, list[RunChange]] = defaultdict(list)
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
        link = _tasks_link(key, items[0].body.code)
        text = template.render(body=label, as_of=as_of, run_id=run_id, link=link, **grouped)
        counts = ", ".join(f"{number_vn(len(v))} {CHANGE_VI[k]}" for k, v in grouped.items() if v)
        title = f"[Tuân thủ công đoàn] {label}: {counts} ({date_vn(as_of)})"
        urls = tuple(targets.get(key, []) + targets.get("*", []))
        result.append(Digest(key, label, title, text, urls))
    return result


def _tasks_link(key: str, code: str | None) -> str | None:
    """The body's own tasks in the review web UI (COMPLIANCE_BASE_URL), or None without one."""
    base = get_settings().base_url.rstrip("/")
    if not base:
        return None
    if key == "*" or not code:
        return f"{base}/units"
    return f"{base}/units?{urlencode({'assignee': code})}"


@dataclass(frozen=True)
class Failure:
    """A digest that did not reach one target, after every attempt."""

    body_label: str
    target: str  # masked: never the URL's credentials
    attempts: int
    reason: str


def warnings(failures: Sequence[Failure]) -> list[str]:
    """One Vietnamese warning per target that failed, naming the bodies it did not reach."""
    by_target: dict[str, list[Failure]] = defaultdict(list)
    for failure in failures:
        by_target[failure.target].append(failure)
    result = []
    for target, items in by_target.items():
        labels = [f.body_label for f in items]
        shown = ", ".join(labels[:3])
        if len(labels) > 3:
            shown += f" và {len(labels) - 3} nơi khác"
        first = items[0]
        result.append(
            message(
                "notify.failed",
                count=len(items),
                bodies=shown,
                target=target,
                attempts=first.attempts,
                reason=first.reason,
            )  # fmt: off
        )
    return result


ATTEMPTS = 3
BACKOFF_SECONDS = (1.0, 3.0)  # before the 2nd and the 3rd attempt


def send(
    digest: Digest,
    attempts: int = ATTEMPTS,
    backoff: Sequence[float] = BACKOFF_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    unreachable: set[str] | None = None,
) -> list[Failure]:
    """Deliver one digest to each of its URLs, retrying a target that refuses; what failed.

    Each URL is sent on its own, so a retry never repeats a delivery that worked, and a failure
    names its (masked) target. Never raises: the run is committed before anything is sent.
    A target in ``unreachable`` (failed for an earlier digest of the same run) is not tried
    again, so a dead "*" target costs one round of retries per run, not one per body.
    """
    failures = []
    for url in digest.urls:
        if unreachable is not None and url in unreachable:
            reason = "đã không gửi được ở thông báo trước trong lần chạy này"
            failures.append(Failure(digest.body_label, mask_url(url), 0, reason))
            continue
        failure = _deliver(digest, url, attempts, backoff, sleep)
        if failure is not None:
            failures.append(failure)
            if unreachable is not None:
                unreachable.add(url)
    return failures


def _deliver(
    digest: Digest,
    url: str,
    attempts: int,
    backoff: Sequence[float],
    sleep: Callable[[float], None],
) -> Failure | None:
    import apprise

    sender = apprise.Apprise()
    with _apprise_records():
        added = sender.add(url)
    if not added:
        return Failure(digest.body_label, mask_url(url), 1, "Apprise không nhận địa chỉ này")
    reason = "nơi nhận từ chối hoặc không kết nối được"
    for attempt in range(attempts):
        if attempt:
            sleep(backoff[min(attempt - 1, len(backoff) - 1)])
        with _apprise_records() as records:
            try:
                if sender.notify(title=digest.title, body=digest.text):
                    return None
            except Exception as exc:  # noqa: BLE001 - a plugin's error must not fail the run
                reason = f"{type(exc).__name__}: {exc}"
        if records:
            reason = _reason(records[-1])
    reason = mask_secrets(reason, url).rstrip(".")
    return Failure(digest.body_label, mask_url(url), attempts, reason)


class _Collect(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.WARNING)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _apprise_records() -> Iterator[list[logging.LogRecord]]:
    """Apprise's own warnings during a send, kept from the terminal: it logs a traceback (and
    the target's address) when a plugin fails; the reason goes into our warning instead."""
    logger = logging.getLogger("apprise")
    records: list[logging.LogRecord] = []
    handler = _Collect(records)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _reason(record: logging.LogRecord) -> str:
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        return f"{type(error).__name__}: {error}"
    return record.getMessage()
