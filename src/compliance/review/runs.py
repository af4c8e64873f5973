""" "Run now": an operator's ad-hoc compliance run, as a real Prefect flow run in its own process.

The web server only records the request and starts ``python -m compliance.review.runs ID``;
the flow run (Prefect's server, evaluation, the run lock, the transaction) happens there, so a
slow or failing run never blocks a reviewer's page, and the request row says how it went.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from typing import Any

from sqlalchemy import Engine, select, update

from compliance import chain, db
from compliance.accounts import Account
from compliance.engine.programme_rules import catalogue
from compliance.exceptions import RunRefused
from compliance.followup import guard
from compliance.models.accounts import AuditEntry, Role, RunRequest, RunRequestStatus
from compliance.orchestration import load_flows
from compliance.review.scope import Scope
from compliance.settings import today


def _requests() -> Any:
    return RunRequest.__table__  # type: ignore[attr-defined]


def request_run(
    db_engine: Engine,
    account: Account,
    *,
    as_of: dt.date | None = None,
    unit: str | None = None,
    rule: str | None = None,
    province: str | None = None,
    historical: bool = False,
    start: bool = True,
) -> int:
    """Record the request and start its process.

    Refused (:class:`RunRefused`, nothing recorded) outside the operator's scope, for a
    province, unit or rule that does not exist, and before the latest whole run's day unless
    ``historical`` (followup.guard).
    """
    if account.role not in (Role.ADMIN, Role.OPERATOR):
        raise RunRefused("run.not_allowed")
    with db.writing(db_engine) as conn:
        # What does not exist is said first: "outside your scope" would send a typo hunting.
        guard.check_request(
            conn,
            (r.id for r in catalogue()),  # programme items (PROGRAMME_ID/ITEM_ID) too
            as_of=as_of or today(),
            rules=[rule] if rule else [],
            units=[unit] if unit else [],
            province=province or None,
            historical=historical,
        )
        scope = Scope.of(conn, account.scope_code)
        if unit and not scope.contains(conn, unit):
            raise RunRefused("run.unit_outside_scope", unit=unit, scope=scope.label)
        if scope.kind == "province":
            if province not in (None, scope.code):
                raise RunRefused("run.province_outside_scope", province=province, scope=scope.label)
            province = scope.code
        elif scope.kind == "union" and not unit:
            raise RunRefused("run.union_scope_needs_unit")
        parameters: dict[str, Any] = {
            "units": [unit] if unit else [],
            "rules": [rule] if rule else [],
            "province": province or None,
        }
        day = as_of or today()
        if historical:
            parameters["historical"] = True
        request_id = conn.execute(
            _requests()
            .insert()
            .values(
                requested_by=account.name,
                requested_at=dt.datetime.now(dt.UTC),
                as_of=day,
                scope=parameters,
                status=RunRequestStatus.QUEUED.value,
            )
        ).inserted_primary_key[0]
        chain.append(
            conn,
            AuditEntry.__table__,  # type: ignore[attr-defined]
            [
                {
                    "at": dt.datetime.now(dt.UTC),
                    "actor": account.name,
                    "action": "run_requested",
                    "unit": unit,
                    "rule": rule,
                    "after": {"request": request_id, "as_of": day.isoformat(), **parameters},
                }
            ],
        )
    if start:
        _start(db_engine, request_id)
    return request_id


def _start(db_engine: Engine, request_id: int) -> None:
    env = dict(os.environ)
    env["COMPLIANCE_DATABASE_URL"] = db_engine.url.render_as_string(hide_password=False)
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    process = subprocess.Popen(  # noqa: S603 - our own module, arguments we built
        [sys.executable, "-m", "compliance.review.runs", str(request_id)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    # Reap it when it ends, so a finished run never lingers as a zombie of the server.
    threading.Thread(target=process.wait, daemon=True).start()


def get_request(db_engine: Engine, request_id: int) -> dict[str, Any] | None:
    with db_engine.connect() as conn:
        row = conn.execute(select(_requests()).where(_requests().c.id == request_id)).first()
    return dict(row._mapping) if row else None


def recent_requests(db_engine: Engine, account: Account, limit: int = 20) -> list[dict[str, Any]]:
    statement = select(_requests()).order_by(_requests().c.id.desc()).limit(limit)
    if account.role != Role.ADMIN or account.scope_code is not None:
        statement = statement.where(_requests().c.requested_by == account.name)
    with db_engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(statement).all()]


def execute(db_engine: Engine, request_id: int) -> None:
    """Run one request's flow and record how it ended (in the worker process)."""
    request = get_request(db_engine, request_id)
    if request is None or request["status"] != RunRequestStatus.QUEUED:
        return
    _set(db_engine, request_id, status=RunRequestStatus.RUNNING.value)
    flows = load_flows()
    scope = request["scope"] or {}
    parameters = flows.compliance_run.RunParameters(
        as_of=request["as_of"],
        rules=scope.get("rules", []),
        units=scope.get("units", []),
        province=scope.get("province"),
        historical=bool(scope.get("historical")),
    )
    try:
        result = flows.compliance_run.compliance_run(parameters)
    except Exception as exc:  # the row must say it failed, whatever failed
        _set(
            db_engine,
            request_id,
            status=RunRequestStatus.FAILED.value,
            finished_at=dt.datetime.now(dt.UTC),
            message=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise
    _set(
        db_engine,
        request_id,
        status=RunRequestStatus.COMPLETED.value,
        finished_at=dt.datetime.now(dt.UTC),
        compliance_run_id=result.get("run_id"),
        message=(
            f"{result.get('violations', 0)} vi phạm, {result.get('at_risk', 0)} có nguy cơ; "
            f"{result.get('opened', 0)} việc mới, {result.get('resolved', 0)} việc đã khắc phục."
            + "".join(f" Cảnh báo: {w}" for w in result.get("notification_failures", []))
        )[:2000],
    )


def _set(db_engine: Engine, request_id: int, **values: Any) -> None:
    with db_engine.begin() as conn:
        conn.execute(update(_requests()).where(_requests().c.id == request_id).values(**values))


if __name__ == "__main__":  # pragma: no cover - the process _start launches
    execute(db.make_engine(), int(sys.argv[1]))
