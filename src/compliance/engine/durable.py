"""Judging units with durable-rules, soundly (../shared/notes.md).

durable-rules is native code, unmaintained since 2020, with crash and memory reports upstream.
So it runs only in a worker process of its own: a segfault there costs a retry, never the
caller (a CLI run, a flow, the web server). Inside the worker the measured-safe pattern holds:

* one condition per rule, each a single fact's expression joined with ``$and``/``$or`` — never
  comma-joined conditions, which join *different* facts;
* facts are asserted (``assert_fact``), never ``post``ed: a posted event is consumed by the first
  rule that fires and the others never see it;
* one state (``sid``) per unit, asserted, read, deleted before the next unit — no two live
  states, so no out-of-order deletes and no 32-bit hash collisions between unit ids (the sid is
  a counter, the unit code never reaches the engine);
* no fact is ever unmatched: every ruleset has a catch-all rule (``seen``). Deleting the state
  of a fact that matched nothing (``MessageNotHandledException``) segfaults the engine — 8 of 8
  runs here, within 4,000 units — while with the catch-all 4,000 assert/delete cycles run
  clean. An exception inside an action is swallowed into the state, so the state is checked;
* the Host's two background timer threads are never started: they call into the C engine
  concurrently with ``assert_fact``/``delete_state`` (a race that crashed here with
  ``free(): invalid size``), and nothing here uses timers or queued events.
"""

from __future__ import annotations

import atexit
import itertools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from compliance.exceptions import CodedError, ComplianceError
from compliance.vocabulary import conditions

if TYPE_CHECKING:
    from compliance.engine.plan import Plan

BATCH = 20_000


class RuleEngineCrashed(CodedError):
    code = "engine.durable_crashed"
    http_status = 500
    exit_code = 4


class RuleEngineFailed(ComplianceError, RuntimeError):
    """durable-rules ran but did not judge a fact as asked (raised in the worker process)."""

    code = "engine.durable_failed"
    http_status = 500
    exit_code = 4


def ruleset(plan: Plan) -> dict[str, Any]:
    """The plan's conditions as a durable-rules ruleset: one rule per status."""
    rules = {
        "seen": {"all": [{"m": {"$ex": {"_fact": 1}}}], "run": "seen"},
        "violation": {"all": [{"m": conditions.to_durable(plan.violation)}], "run": "violation"},
    }
    if plan.at_risk is not None:
        rules["at_risk"] = {"all": [{"m": conditions.to_durable(plan.at_risk)}], "run": "at_risk"}
    return rules


# In the worker ----------------------------------------------------------------------------------

_host: Any = None
_registered: dict[str, str] = {}  # ruleset definition → the name it was registered under
_sids = itertools.count(1)


def _new_host() -> Any:
    from durable.engine import Host

    class QuietHost(Host):  # type: ignore[misc]
        def _run(self) -> None:
            """No dispatch/timer threads: actions run inside assert_fact, timers are unused."""

        def get_action(self, action_name: str) -> Any:
            return _action(action_name)

    return QuietHost()


def _worker_judge(
    name: str, definition: dict[str, Any], facts: list[dict[str, Any]]
) -> list[str | None]:
    global _host
    if _host is None:
        _host = _new_host()
    key = repr(definition)
    if key not in _registered:
        # a ruleset name cannot be registered twice in one Host: number each definition
        _registered[key] = f"{name}_{len(_registered)}"
        _host.set_rulesets({_registered[key]: definition})
    name = _registered[key]
    results: list[str | None] = []
    for fact in facts:
        sid = str(next(_sids))  # never reused within the worker
        fired.clear()
        _host.assert_fact(name, {**fact, "_fact": 1, "sid": sid})
        if "seen" not in fired:
            raise RuleEngineFailed("durable-rules did not run the catch-all rule")
        state = _host.get_state(name, sid)
        _host.delete_state(name, sid)
        if state and state.get("exception"):
            raise RuleEngineFailed(f"durable-rules action failed: {state['exception']}")
        results.append(
            "violation" if "violation" in fired else "at_risk" if "at_risk" in fired else None
        )
    return results


fired: set[str] = set()


def _action(name: str) -> Any:
    def act(_context: Any) -> None:
        fired.add(name)

    return act


# In the caller ----------------------------------------------------------------------------------

_pool: ProcessPoolExecutor | None = None


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        atexit.register(_pool.shutdown, wait=False, cancel_futures=True)
    return _pool


def _restart() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
    _pool = None


def judge_durable(plan: Plan, facts: list[dict[str, Any]]) -> list[str | None]:
    """Statuses for each unit's facts, in order; retried once in a fresh worker if it crashes."""
    definition = ruleset(plan)
    name = plan.loaded.rule.id.replace(".", "_")
    prepared = [conditions.durable_fact(f) for f in facts]
    results: list[str | None] = []
    for start in range(0, len(prepared), BATCH):
        batch = prepared[start : start + BATCH]
        for attempt in (1, 2):
            try:
                results.extend(_executor().submit(_worker_judge, name, definition, batch).result())
                break
            except BrokenProcessPool as exc:
                _restart()
                if attempt == 2:
                    raise RuleEngineCrashed(
                        "engine.durable_crashed", rule=plan.loaded.rule.id
                    ) from exc
    return results
