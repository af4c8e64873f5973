"""One run's unit of work: what every step of bringing tasks in step needs, passed as one value.

The connection (one transaction under the run lock), the run's row and clock, the rules it
judged, the hierarchy that says who is responsible, the outcome being counted, and the task
history rows to append (compliance.chain).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from compliance import chain
from compliance.bulk import JsonMemo
from compliance.followup.lifecycle import Action
from compliance.followup.responsible import Body, Hierarchy
from compliance.followup.runs import RunChange, RunOrder, RunOutcome
from compliance.models.followup import TaskEvent
from compliance.rules.validate import LoadedRule


@dataclass
class SyncContext:
    conn: Connection
    run_id: int
    now: dt.datetime
    request: RunOrder
    rules: dict[str, LoadedRule]  # by id: every rule loaded, judged or not
    hierarchy: Hierarchy
    outcome: RunOutcome
    events: list[dict[str, Any]] = field(default_factory=list)
    memo: JsonMemo = field(default_factory=JsonMemo)  # facts encoded once per run

    @property
    def as_of(self) -> dt.date:
        return self.request.as_of

    def record(
        self,
        task_id: int,
        action: Action,
        before: dict[str, Any],
        after: dict[str, Any],
        note: str | None = None,
    ) -> None:
        """A history row for the task, appended with the others by :meth:`append_events`."""
        self.events.append(
            {
                "task_id": task_id,
                "at": self.now,
                "run_id": self.run_id,
                "actor": f"run:{self.run_id}",
                "action": str(action),
                "before": before,
                "after": after,
                "note": note,
            }
        )

    def append_events(self) -> None:
        """Chain and write the history rows recorded so far (in the order recorded)."""
        chain.append(self.conn, TaskEvent.__table__, self.events)  # type: ignore[attr-defined]
        self.events.clear()

    def report(
        self,
        action: Action,
        key: tuple[str, str, str],
        title: str,
        body: Body,
        due_on: dt.date | None,
        reason: str | None = None,
    ) -> None:
        """A change the digests announce to the responsible body."""
        self.outcome.changes.append(
            RunChange(str(action), key, title, body, body.label(self.hierarchy), due_on, reason)
        )
