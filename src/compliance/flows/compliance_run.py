"""The compliance run as a Prefect flow: load rules → evaluate → record and sync tasks →
publish a summary → notify. Thin on purpose: every step is a function of ``compliance`` that is
tested without Prefect; this file only gives them names, logs, retries and artifacts.

With ``partitions`` > 1 the evaluation is split by province (``compliance.engine.partition``)
and the shares run in parallel on Dask through prefect-dask: a local cluster of ``workers``
processes, or the scheduler at ``dask_address`` / ``COMPLIANCE_DASK_ADDRESS`` (docs/scale.md).
Shares only read; recording and syncing stays one task in this process, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from compliance import db
from compliance.engine import partition
from compliance.engine.evaluate import Selection, evaluate
from compliance.engine.findings import Finding
from compliance.engine.programme_rules import catalogue
from compliance.exceptions import ComplianceError
from compliance.followup import guard
from compliance.followup import notify as notifications
from compliance.followup.sync import RunOrder, RunOutcome, record_and_sync
from compliance.formatting import FAMILY_VI, date_vn, number_vn
from compliance.reports import artifacts as reports_artifacts
from compliance.reports.files import write_run_reports
from compliance.rules.loaded import LoadedRule
from compliance.rules.model import Family
from compliance.settings import TIMEZONE, get_settings

# Large in-memory values pass between these tasks: never hash or persist them.
STEP = {"cache_policy": NO_CACHE, "persist_result": False}


class RunParameters(BaseModel):
    """What to judge; the Prefect UI renders these as the run form."""

    as_of: dt.date | None = Field(
        default=None, description="Ngày xét (mặc định: hôm nay theo giờ Việt Nam)."
    )
    rules: list[str] = Field(default_factory=list, description="Chỉ các quy tắc này.")
    units: list[str] = Field(
        default_factory=list, description="Chỉ các đơn vị này (mã số thuế, mã công đoàn)."
    )
    province: str | None = Field(default=None, description="Chỉ một tỉnh (mã tỉnh).")
    dry_run: bool = Field(default=False, description="Tính và in thông báo nhưng không ghi gì.")
    historical: bool = Field(
        default=False,
        description="Rà soát lịch sử: cho phép ngày xét sớm hơn lần rà soát toàn bộ gần nhất; "
        "chỉ ghi phát hiện, không thay đổi việc nào và không thay cho kết quả đang xem.",
    )
    partitions: int = Field(
        default=0,
        ge=0,
        description="Chia việc đánh giá theo tỉnh thành bấy nhiêu phần chạy song song trên Dask "
        "(0 hoặc 1: không chia).",
    )
    workers: int = Field(
        default=2, ge=1, description="Số tiến trình của cụm Dask cục bộ khi chia phần."
    )
    dask_address: str | None = Field(
        default=None,
        description="Địa chỉ bộ lập lịch Dask (tcp://máy:8786); trống: COMPLIANCE_DASK_ADDRESS "
        "hoặc một cụm cục bộ.",
    )

    def day(self) -> dt.date:
        return self.as_of or dt.datetime.now(TIMEZONE).date()

    def scope(self) -> Selection:
        return Selection.of(self.rules, self.units, self.province)


@contextmanager
def registry() -> Iterator[Engine]:
    """The registry database, its connections closed when the step ends (tasks may run in
    long-lived Dask workers: nothing is left open there)."""
    engine = db.make_engine()
    try:
        db.require_schema(engine)
        yield engine
    finally:
        engine.dispose()


@task(name="load-rules", **STEP)
def load_catalogue() -> list[LoadedRule]:
    """The rule files and the programme items (rules/programmes/), judged alike."""
    rules = catalogue()
    get_run_logger().info("Loaded %d rules: %s", len(rules), ", ".join(r.id for r in rules))
    return rules


@task(name="check-request", **STEP)
def check_run_request(rules: list[LoadedRule], parameters: RunParameters) -> None:
    """Refuse a typo or a backdated run before anything is evaluated (followup.guard)."""
    with registry() as engine, engine.connect() as conn:
        guard.check_request(
            conn,
            (r.id for r in rules),
            as_of=parameters.day(),
            rules=parameters.rules,
            units=parameters.units,
            province=parameters.province,
            historical=parameters.historical,
        )


class Evaluation:
    """What the evaluation step hands on. A plain class on purpose: Prefect walks dataclasses,
    lists and dicts a flow returns or a task receives, looking for futures — 1.3 s per 10,000
    findings, half a minute for the country — and it does not walk into this."""

    __slots__ = ("findings", "seconds", "shares")

    def __init__(self, findings: list[Finding], seconds: float, shares: int = 1) -> None:
        self.findings = findings
        self.seconds = seconds  # of the evaluation itself: the partitioned part, no start-up
        self.shares = shares


@task(name="evaluate", **STEP)
def evaluate_registry(rules: list[LoadedRule], as_of: dt.date, scope: Selection) -> Evaluation:
    """The findings, handed on in an :class:`Evaluation`: a task's returned list is walked by
    Prefect item by item (2.4 s for a national run's 234,384 findings)."""
    started = time.perf_counter()
    with registry() as engine, engine.connect() as conn:
        findings = evaluate(conn, rules, as_of, scope)
    get_run_logger().info("Evaluated as of %s: %d findings", as_of, len(findings))
    return Evaluation(findings, time.perf_counter() - started)


@task(name="evaluate-share", **STEP)
def evaluate_share(rules: list[LoadedRule], as_of: dt.date, scope: Selection) -> partition.Packed:
    """One share on a worker; the findings travel back packed (partition.pack)."""
    return partition.pack(evaluate_registry.fn(rules, as_of, scope).findings)


@task(name="plan-partitions", **STEP)
def plan_partitions(scope: Selection, count: int) -> list[Selection]:
    with registry() as engine, engine.connect() as conn:
        shares = partition.scopes(conn, scope, count)
    get_run_logger().info("Evaluation split into %d shares by province", len(shares))
    return shares


@flow(name="evaluate-partitioned")
def evaluate_partitioned(
    rules: list[LoadedRule], as_of: dt.date, scope: Selection, count: int
) -> Evaluation:
    """The shares on this flow's task runner (Dask), merged into evaluate()'s order."""
    shares = plan_partitions(scope, count)
    runner = FlowRunContext.get().task_runner  # type: ignore[union-attr]
    if hasattr(runner, "client"):  # Dask: import on every worker now, so the timing is the work
        runner.client.run(_warm_up)
    started = time.perf_counter()
    futures = [evaluate_share.submit(rules, as_of, share) for share in shares]
    by_id = {rule.id: rule for rule in rules}
    findings = partition.merge(partition.unpack(f.result(), by_id) for f in futures)
    seconds = time.perf_counter() - started
    get_run_logger().info("%d shares evaluated in %.2f s", len(shares), seconds)
    return Evaluation(findings, seconds, len(shares))


def _warm_up() -> bool:
    """Unpickling this function on a worker imports this module, Prefect and the engine."""
    return True


def dask_runner(parameters: RunParameters) -> Any:
    """The cluster named by the parameters or COMPLIANCE_DASK_ADDRESS, else a local one."""
    from prefect_dask import DaskTaskRunner

    address = parameters.dask_address or get_settings().dask_address
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": parameters.workers,
            "threads_per_worker": 1,  # the work is Python and SQL: processes, not threads
            "processes": True,
            "dashboard_address": None,
        }
    )


def evaluate_step(rules: list[LoadedRule], as_of: dt.date, parameters: RunParameters) -> Evaluation:
    """Evaluate in this process, or partitioned on Dask when asked to."""
    if parameters.partitions > 1 and not parameters.units and not parameters.province:
        runner = evaluate_partitioned.with_options(task_runner=dask_runner(parameters))
        return runner(rules, as_of, parameters.scope(), parameters.partitions)
    return evaluate_registry(rules, as_of, parameters.scope())


@task(name="record-and-sync-tasks", **STEP)
def record_and_sync_tasks(
    rules: list[LoadedRule], findings: list[Finding], request: RunOrder
) -> RunOutcome:
    """One transaction: the run, its findings and every task change — or nothing."""
    with registry() as engine:
        outcome = record_and_sync(engine, rules, findings, request)
    get_run_logger().info(
        "%s run %s: %s", "Dry" if request.dry_run else "Recorded", outcome.run_id, outcome.summary
    )
    return outcome


@task(name="publish-summary", **STEP)
def publish_summary(outcome: RunOutcome) -> None:
    s = {key: number_vn(value) for key, value in outcome.summary.items()}
    lines = [
        f"# Rà soát tuân thủ ngày {date_vn(outcome.as_of)}"
        + (" (chạy thử)" if outcome.dry_run else f" — lần chạy #{outcome.run_id}"),
        "",
        f"- Vi phạm: **{s['violations']}**, có nguy cơ: **{s['at_risk']}**",
        f"- Việc mới: **{s['opened']}**, mở lại: **{s['reopened']}**, "
        f"đã khắc phục: **{s['resolved']}**",
        f"- Việc đang mở: **{s['open_tasks']}**",
    ]
    create_markdown_artifact(markdown="\n".join(lines), key="compliance-run-summary")
    create_table_artifact(
        table=[
            {"Quy tắc": rule, "Loại": FAMILY_VI[Family.of(rule)], "Số phát hiện": number_vn(n)}
            for rule, n in sorted(outcome.by_rule.items())
        ],
        key="compliance-run-findings-by-rule",
    )


@task(name="publish-scorecard", **STEP)
def publish_scorecard_and_reports(outcome: RunOutcome, province: str | None) -> list[str]:
    """The targets scorecard as artifacts, and the run's reports (HTML, PDF, XLSX) written where
    the web UI links them. The run itself is already committed: a report that cannot be written
    is logged, not a failed run."""
    logger = get_run_logger()
    folder = Path(get_settings().reports_dir)
    try:
        with registry() as engine:
            cards = reports_artifacts.publish_scorecard(
                engine, outcome.as_of, province, run_id=outcome.run_id
            )  # measured once and stored for the run: the reports below read it
            written = write_run_reports(engine, outcome.as_of, folder, province)
    except (ComplianceError, OSError) as exc:
        logger.warning("Scorecard and reports not written: %s", exc)
        return []
    logger.info(
        "Scorecard published for %s; reports: %s",
        ", ".join(c.province_name for c in cards) or "—",
        ", ".join(str(p) for p in written),
    )
    return [str(p) for p in written]


class Notified:
    """What the notify step hands back: the digests' texts, and the targets that failed."""

    __slots__ = ("failures", "texts")

    def __init__(self, texts: list[str], failures: list[str]) -> None:
        self.texts = texts
        self.failures = failures  # Vietnamese warnings, targets masked


@task(name="notify", **STEP)
def notify(outcome: RunOutcome) -> Notified:
    """Tell each body what changed. The run is committed already: a target that cannot be
    reached is retried (notify.send), logged and reported, and never fails the run."""
    logger = get_run_logger()
    try:
        with registry() as engine:
            digests = notifications.digests(engine, outcome.changes, outcome.as_of, outcome.run_id)
    except Exception as exc:  # noqa: BLE001 - after the commit nothing may fail the run
        logger.warning("Digests not built: %s", exc)
        return Notified([], [f"Không lập được thông báo: {exc}. Lần chạy đã được ghi đầy đủ."])
    texts = [d.text for d in digests]
    if outcome.dry_run:
        for digest in digests:
            logger.info("Dry run, not sent — %s\n%s", digest.title, digest.text)
        return Notified(texts, [])
    unreachable: set[str] = set()
    failed = [f for d in digests for f in notifications.send(d, unreachable=unreachable)]
    failures = notifications.warnings(failed)
    for warning in failures:
        logger.warning(warning)
    logger.info(
        "Sent %d digests, %d deliveries failed", sum(1 for d in digests if d.urls), len(failed)
    )
    if failures:
        create_markdown_artifact(
            markdown="# Thông báo chưa gửi được\n\n" + "\n".join(f"- {w}" for w in failures),
            key="compliance-run-notifications",
        )
    return Notified(texts, failures)


def notify_after_commit(outcome: RunOutcome) -> Notified:
    """The notify step, whose failure (even one Prefect reports) is a warning, not a failed run."""
    state = notify(quote(outcome), return_state=True)
    if state.is_completed():
        return state.result()  # type: ignore[return-value]
    reason = state.message or state.name
    get_run_logger().warning("Notify step did not complete: %s", reason)
    return Notified([], [f"Bước gửi thông báo không hoàn thành ({reason}). Lần chạy đã được ghi "
                         "đầy đủ; hãy kiểm tra nơi nhận ('compliance notify list')."])  # fmt: off


@flow(name="compliance-run")
def compliance_run(parameters: RunParameters | None = None) -> dict[str, Any]:
    """Judge the registry, keep one follow-up task per violation, tell each body what changed."""
    parameters = parameters or RunParameters()
    as_of = parameters.day()
    rules = load_catalogue()
    check_run_request(rules, parameters)
    evaluation = evaluate_step(rules, as_of, parameters)
    request = RunOrder(
        as_of=as_of,
        scope=parameters.scope(),
        dry_run=parameters.dry_run,
        flow_run_id=str(flow_run.get_id() or ""),
        historical=parameters.historical,
    )
    # quote(): hand large values to tasks as they are, without Prefect walking them (Evaluation)
    outcome = record_and_sync_tasks(rules, quote(evaluation.findings), request)
    publish_summary(quote(outcome))
    reports: list[str] = []
    whole = not (parameters.units or parameters.rules or parameters.historical)
    if not parameters.dry_run and whole:
        reports = publish_scorecard_and_reports(quote(outcome), parameters.province)
    notified = notify_after_commit(outcome)
    digests = notified.texts
    return {"run_id": outcome.run_id, "as_of": as_of.isoformat(), **outcome.summary,
            "digests": digests if parameters.dry_run else len(digests),
            "notification_failures": notified.failures,
            "shares": evaluation.shares,
            "evaluate_seconds": round(evaluation.seconds, 3), "reports": reports}  # fmt: off
